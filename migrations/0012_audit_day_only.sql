-- A row whose time was kept to the day (a survey answer, whose moment would tell which anonymous
-- answer a teacher gave) says so, and the audit page shows its date alone rather than a midnight
-- that never happened.

ALTER TABLE audit_log ADD COLUMN day_only boolean NOT NULL DEFAULT false;
UPDATE audit_log SET day_only = true WHERE action = 'survey.answer';
