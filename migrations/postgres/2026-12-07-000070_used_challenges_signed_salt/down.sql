-- Nothing to restore: the rows removed were of no further use.
SELECT 1;
