-- A name search starts from its rarest word: the index of a word's
-- postings holds the member and the case, so that counting them and
-- reading them never visits the table.
DROP INDEX member_name_tokens_token;
CREATE INDEX member_name_tokens_token ON member_name_tokens(token_bidx, member_id, case_id);
