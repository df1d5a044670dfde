-- A teacher holds at most one place (enrolled or waiting) in the classes of a project. The
-- enrolment paths check this under the teacher's row lock, but a bulk enrolment takes no teacher
-- locks; this index makes the rule hold whatever runs at the same time, so completion can never
-- post a project's hours twice through two classes.

ALTER TABLE enrolment ADD COLUMN project_id bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN enrolment.project_id IS 'the project of the class; always set from the class by enrolment_set_project';

UPDATE enrolment e SET project_id = c.project_id FROM training_class c WHERE c.id = e.class_id;

CREATE FUNCTION enrolment_set_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT c.project_id INTO NEW.project_id FROM training_class c WHERE c.id = NEW.class_id;
  RETURN NEW;
END $$;

CREATE TRIGGER enrolment_set_project BEFORE INSERT ON enrolment
  FOR EACH ROW EXECUTE FUNCTION enrolment_set_project();

ALTER TABLE enrolment ADD CONSTRAINT enrolment_project_fk FOREIGN KEY (project_id) REFERENCES training_project(id);

CREATE UNIQUE INDEX enrolment_one_place_per_project_idx ON enrolment (project_id, teacher_id) WHERE status <> 'withdrawn';
