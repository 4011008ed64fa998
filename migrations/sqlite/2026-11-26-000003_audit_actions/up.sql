-- Setting and removing the Tagesticket contingent, and adding and removing a
-- closure day, were logged under one action each; they have their own now.
UPDATE audit_log SET action = 'office.day_ticket.remove'
    WHERE action = 'office.day_ticket' AND detail LIKE '%"day_ticket":null%';
UPDATE audit_log SET action = 'office.day_ticket.set' WHERE action = 'office.day_ticket';
UPDATE audit_log SET action = 'office.closure.remove'
    WHERE action = 'office.closure' AND detail LIKE '%"removed":true%';
UPDATE audit_log SET action = 'office.closure.add' WHERE action = 'office.closure';
