-- A class closed before its last session has ended keeps the organiser's reason for closing early:
-- it is shown on the class and kept in the audit log; reopening the class clears it.

ALTER TABLE training_class
  ADD COLUMN early_close_reason text
    CHECK (early_close_reason IS NULL OR length(early_close_reason) BETWEEN 1 AND 500);
