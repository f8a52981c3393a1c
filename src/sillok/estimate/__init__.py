"""Multiple systems estimation: how many people were there, documented or not, from the
overlap between lists (log-linear models and the Bayesian latent-class model LCMCR)."""
