-- A name search intersects the members of each of its words: the index of
-- a word's postings holds the member, in order, and the case, so that the
-- intersection merges ordered index ranges and never visits the table.
DROP INDEX member_name_tokens_token;
CREATE INDEX member_name_tokens_token ON member_name_tokens(token_bidx, member_id, case_id);

-- A list's names: each case's principal applicant, one index entry a case.
CREATE INDEX members_principal ON members(case_id) WHERE relationship = 'principal';
