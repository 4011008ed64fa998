DROP TABLE day_capacities;
