-- Placeholder so this branch's 0013 loads in sequence; the branch that owns 0011 replaces it at merge.
select 1;
