\set d random(0, 55)
\set m random(0, 100)
\set r random(1, 9000000000000000000)
SELECT 1;
SELECT replay_book(:d, :m, :r, :client_id);
