"""Follow-up API: partners ask, reviewers gate and merge, members answer in their inbox."""
