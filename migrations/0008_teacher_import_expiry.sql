-- A checked roster upload that nobody commits expires (PEIXUN_IMPORT_TTL_HOURS, 24 by default):
-- its staged rows, which hold encrypted identifiers, are deleted and the upload is marked expired.

ALTER TABLE teacher_import DROP CONSTRAINT teacher_import_status_check;
ALTER TABLE teacher_import ADD CONSTRAINT teacher_import_status_check
  CHECK (status IN ('validated', 'committed', 'discarded', 'expired'));

-- the sweep looks for old uploads still waiting
CREATE INDEX teacher_import_waiting_idx ON teacher_import (created_at) WHERE status = 'validated';
