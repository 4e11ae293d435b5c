"""Reports people receive: the weekly team summary (an e-mail to each team's lead) and the monthly and
quarterly executive summary (a PDF for engineering managers).

Each reads one published file, through the same SQL files as the dashboards
(`orchestration/dashboards/queries/<persona>/`), so a report can show nothing its reader's file does not
hold and its figures are the dashboards' figures.
"""
