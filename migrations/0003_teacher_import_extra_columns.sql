-- The headers of an uploaded roster that name no known column (ignored), kept with the upload so
-- the check result shows them again when it is reopened.
ALTER TABLE teacher_import ADD COLUMN extra_columns jsonb NOT NULL DEFAULT '[]';
