-- Reserved for another change in flight; replaced by its own 0010 when the branches merge.
select 1;
