UPDATE audit_log SET action = 'office.day_ticket'
    WHERE action IN ('office.day_ticket.set', 'office.day_ticket.remove');
UPDATE audit_log SET action = 'office.closure'
    WHERE action IN ('office.closure.add', 'office.closure.remove');
