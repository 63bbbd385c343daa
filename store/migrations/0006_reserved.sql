-- Placeholder: number 0006 is assigned to another branch. Migrations must be
-- numbered without gaps, so this stands in for it until that branch lands;
-- delete this file when it does.
SELECT 1;
