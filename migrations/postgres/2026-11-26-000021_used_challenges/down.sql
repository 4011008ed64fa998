DROP TABLE used_challenges;
