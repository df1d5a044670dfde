-- A cycle certificate (学时证书) needs a finished cycle: the teacher completed it, or its end has
-- passed. Before that the product issues a record of hours so far (学时证明, kind 'record'), a
-- document of its own kind with its own title, which states the date its figures stand at.

ALTER TABLE credit_certificate DROP CONSTRAINT credit_certificate_kind_check;
ALTER TABLE credit_certificate ADD CONSTRAINT credit_certificate_kind_check CHECK (kind IN ('cycle','year','record'));
