DROP TABLE day_ticket_draws;
DROP TABLE day_ticket_requests;
