-- "Behind" compares with the finished years only, so in the first year of a cycle nobody was ever
-- behind, however far below the yearly minimum they stood. A teacher below the current year's
-- minimum (before the cycle's last year) now has a status of its own, counted per school.

ALTER TABLE credit_teacher_status DROP CONSTRAINT credit_teacher_status_status_check;
ALTER TABLE credit_teacher_status ADD CONSTRAINT credit_teacher_status_status_check
  CHECK (status IN ('complete','on_track','behind','below_yearly','at_risk','out_of_scope'));

ALTER TABLE credit_school_summary ADD COLUMN below_yearly integer NOT NULL DEFAULT 0;

-- a status computed as on track before may now be below the yearly minimum: marked as computed for
-- another year, so the refresh queued when the server starts recomputes it (the reports say how
-- many are waiting meanwhile)
UPDATE credit_teacher_status SET as_of_year = 0 WHERE status = 'on_track';
