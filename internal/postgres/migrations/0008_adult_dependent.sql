-- The dependent adult child exception (IRPR s.2) of a member: vault
-- ciphertext under the case's data key, since it says that the person has a
-- physical or mental condition. Every member written from now on has one,
-- sealed "0" or "1" (equal lengths), so the column tells a reader of the
-- database nothing; NULL (members written before) reads as not recorded.
ALTER TABLE members ADD COLUMN adult_dependent_enc bytea;
