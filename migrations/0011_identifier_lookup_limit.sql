-- An administrator who sees ID numbers and phones masked (city, province) could still confirm a
-- guessed number by searching for it: such lookups are counted per account in the same table as
-- failed sign-ins, and locked for a while past the configured number.

ALTER TABLE auth_throttle DROP CONSTRAINT auth_throttle_kind_check;
ALTER TABLE auth_throttle ADD CONSTRAINT auth_throttle_kind_check CHECK (kind IN ('login', 'activate', 'id_lookup'));
