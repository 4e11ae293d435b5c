-- Experiments for product research: each readout segment whose variants all have min_group_size units.
{{ experiment_readout() }}
