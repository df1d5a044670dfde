-- A backbone title's number for the public /verify/<code> page ('B' and 14 characters), printed where the title
-- is shown, so anyone holding a copy can see whether the title is active, expired or revoked (and when). The
-- service draws it from the certificates' alphabet; the default (evaluated per row, so titles granted before
-- this migration get one each) serves rows written without it.
ALTER TABLE backbone_title
  ADD COLUMN code text NOT NULL
  DEFAULT ('B' || upper(translate(substr(md5(random()::text || clock_timestamp()::text), 1, 14), '01', 'XY')));
CREATE UNIQUE INDEX backbone_title_code_idx ON backbone_title (code);
