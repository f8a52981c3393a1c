# Reference values for Sillok's multiple systems estimation (tests/test_estimate.py, bench/).
#
# Run once, offline, with R 4.2 (Debian r-base-core), Rcapture 1.4-4 and LCMCR 0.4.14 built from
# their CRAN sources, and jsonlite (Debian r-cran-jsonlite):
#   Rscript tests/data/estimate/make_reference.R tests/data/estimate
# It writes each public dataset as an overlap table (one 0/1 column per list + count) and
# reference.json with R's estimates. Nothing in the test suite runs R.
#
# Datasets (all public, shipped with the R packages):
#   kosovo   LCMCR::kosovo_aggregate — killings in Kosovo, 20 March – 22 June 1999, 4 lists
#            (EXH, ABA, OSCE, HRW); Ball et al. (2002), report to the ICTY.
#   kosovo3  the same without HRW (people only on HRW drop out): a 3-list table.
#   hiv      Rcapture::HIV — HIV-1 infection, 4 reporting centres in Rome; Abeni et al. (1994).
#   lesbian  Rcapture::lesbian — lesbian population of a US city, 4 lists; Aaron et al. (2003).
#   duck     Rcapture::duck — 6 capture occasions of ducks (many lists: Mt only).
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
suppressMessages({library(Rcapture); library(LCMCR); library(jsonlite)})

as_table <- function(X) {              # aggregated rows, all-zero pattern dropped
  X <- as.data.frame(X)
  k <- ncol(X) - 1
  X <- X[rowSums(X[, 1:k, drop = FALSE]) > 0 & X[, k + 1] > 0, ]
  names(X)[k + 1] <- "count"
  X
}
data(kosovo_aggregate)
kos <- as.data.frame(table(lapply(kosovo_aggregate, function(v) as.integer(as.character(v)))))
kos <- data.frame(lapply(kos, function(v) as.integer(as.character(v))))
names(kos)[5] <- "count"
kos <- as_table(kos)
kos3 <- aggregate(count ~ EXH + ABA + OSCE, data = kos, FUN = sum)
kos3 <- as_table(kos3)
sets <- list(kosovo = kos, kosovo3 = kos3, hiv = as_table(HIV), lesbian = as_table(lesbian),
             duck = as_table(duck))

ci_row <- function(fit) {
  r <- fit$results; c <- fit$CI
  list(abundance = unname(r[1, "abundance"]), stderr = unname(r[1, "stderr"]),
       deviance = unname(r[1, "deviance"]), df = unname(r[1, "df"]),
       aic = unname(r[1, "AIC"]), bic = unname(r[1, "BIC"]),
       multinomial = unname(c[1, "abundance"]),
       lower = unname(c[1, "infCL"]), upper = unname(c[1, "supCL"]))
}

ref <- list(made_with = list(R = R.version.string,
                             Rcapture = as.character(packageVersion("Rcapture")),
                             LCMCR = as.character(packageVersion("LCMCR")),
                             date = format(Sys.time(), "%Y-%m-%d", tz = "UTC")))
for (name in names(sets)) {
  X <- as.matrix(sets[[name]])
  k <- ncol(X) - 1
  write.csv(sets[[name]], file.path(out, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
  entry <- list(lists = colnames(X)[1:k], observed = sum(X[, k + 1]))
  entry$Mt <- ci_row(closedpCI.t(X, dfreq = TRUE, m = "Mt"))
  if (k <= 4) {
    ms <- closedpMS.t(X, dfreq = TRUE)$results
    ok <- ms[ms[, "infoFit"] == 0, , drop = FALSE]   # models R fitted without a warning
    models <- lapply(rownames(ms), function(m) list(model = m,
      abundance = unname(ms[m, "abundance"]), aic = unname(ms[m, "AIC"]),
      bic = unname(ms[m, "BIC"]), info = unname(ms[m, "infoFit"])))
    entry$models <- models
    for (crit in c("BIC", "AIC")) {
      best <- rownames(ok)[which.min(ok[, crit])]
      entry[[paste0("best_", tolower(crit))]] <- c(list(model = best),
        ci_row(closedpCI.t(X, dfreq = TRUE, mX = best)))
    }
    runs <- lapply(1:5, function(seed) {
      t0 <- proc.time()[["elapsed"]]
      fit <- lcmCR(as.matrix(sets[[name]]), tabular = TRUE, K = 10, a_alpha = 0.25, b_alpha = 0.25,
                   seed = seed, verbose = FALSE)
      N <- lcmCR_PostSampl(fit, burnin = 10000, samples = 1000, thinning = 10, output = FALSE)
      list(seed = seed, median = median(N), mean = mean(N),
           lower = unname(quantile(N, 0.025)), upper = unname(quantile(N, 0.975)),
           seconds = proc.time()[["elapsed"]] - t0)
    })
    entry$lcmcr <- list(K = 10, a_alpha = 0.25, b_alpha = 0.25, burnin = 10000,
                        samples = 1000, thinning = 10, runs = runs,
                        median = mean(sapply(runs, `[[`, "median")),
                        lower = mean(sapply(runs, `[[`, "lower")),
                        upper = mean(sapply(runs, `[[`, "upper")))
  }
  ref[[name]] <- entry
}
writeLines(toJSON(ref, auto_unbox = TRUE, pretty = TRUE, digits = 10),
           file.path(out, "reference.json"))
