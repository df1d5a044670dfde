-- When the organiser sees a class's survey figures. Figures that move with every answer, read beside
-- the time each teacher answered, tell who gave which answer; so by default a class's figures are
-- shown only once its answer window has closed, or, when the organiser chooses, once at least
-- `results_min_answers` answers came in. The setting belongs to the questionnaire and is fixed,
-- like the questions, once anyone answered.
ALTER TABLE survey_form
  ADD COLUMN results_after text NOT NULL DEFAULT 'window_closed'
    CHECK (results_after IN ('window_closed', 'min_answers')),
  ADD COLUMN results_min_answers integer
    CHECK (results_min_answers IS NULL OR results_min_answers BETWEEN 3 AND 10000),
  ADD CONSTRAINT survey_form_min_answers_set
    CHECK ((results_after = 'min_answers') = (results_min_answers IS NOT NULL));
