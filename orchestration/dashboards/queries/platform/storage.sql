select
    table_schema,
    table_name,
    estimated_rows,
    bytes_on_disk / 1048576.0 as mib_on_disk
from storage_by_table
order by bytes_on_disk desc nulls last
