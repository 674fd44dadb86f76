# Generates the Cox regression golden files test/golden/cox_*.csv (inputs) and cox_*.json
# (R survival::coxph results at full precision). The C++ tests read only the committed files;
# CI has no R. Run from the repository root:
#
#   Rscript test/golden/make_cox_fixtures.R
#
# Each JSON names its input CSV, the model (time, status, numeric covariates, factors, strata,
# ties, iteration limit) and what R returned: coefficients with standard errors, z, p and 95%
# hazard-ratio limits, the null and final log partial likelihoods, the iteration count, the
# score, Wald and likelihood-ratio tests, and any warning coxph gave (separation, collinearity
# or non-convergence, which ORP reports as errors instead of numbers).
#
# Factor levels are sorted in byte order (LC_COLLATE=C), the first level is the reference, and a
# level's coefficient is named "brand=Gamma" (R's "brandGamma"). coxph's timefix (aeqSurv) is on,
# as by default: cox_nearties.csv has times it merges.

suppressPackageStartupMessages(library(survival))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_dir <- file.path("test", "golden")
stopifnot(dir.exists(out_dir))
versions <- sprintf("R %s, survival %s", paste(R.version$major, R.version$minor, sep = "."),
                    as.character(packageVersion("survival")))

num <- function(x) {
  if (length(x) != 1 || is.na(x)) return("null")
  if (is.infinite(x)) return(if (x > 0) "\"Inf\"" else "\"-Inf\"")
  format(x, digits = 17)
}
str <- function(x) if (is.null(x)) "null" else paste0("\"", gsub("\"", "\\\\\"", x), "\"")
strs <- function(x) paste0("[", paste(vapply(x, str, ""), collapse = ","), "]")

write_input <- function(name, df) {
  path <- file.path(out_dir, paste0("cox_", name, ".csv"))
  write.csv(df, path, row.names = FALSE, quote = FALSE)
  basename(path)
}

# Fits one model and writes cox_<name>.json describing it and R's answer.
fit_case <- function(name, csv, df, covariates = character(), factors = character(),
                     strata = NULL, ties = "efron", iter_max = 20, cli = FALSE) {
  for (f in factors) df[[f]] <- factor(df[[f]], levels = sort(unique(as.character(df[[f]]))))
  rhs <- c(covariates, factors)
  if (!is.null(strata)) rhs <- c(rhs, sprintf("strata(%s)", strata))
  form <- as.formula(paste("Surv(time, status) ~", paste(rhs, collapse = " + ")))
  warnings_seen <- character()
  fit <- withCallingHandlers(
    coxph(form, data = df, ties = ties, control = coxph.control(iter.max = iter_max)),
    warning = function(w) {
      warnings_seen <<- c(warnings_seen, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  coefs <- coef(fit)
  se <- sqrt(diag(fit$var))
  z <- coefs / se
  p <- pchisq(z^2, 1, lower.tail = FALSE)
  q <- qnorm(0.975)
  orp_names <- names(coefs)
  for (f in factors) {
    hit <- startsWith(orp_names, f) & !(orp_names %in% covariates)
    orp_names[hit] <- paste0(f, "=", substring(orp_names[hit], nchar(f) + 1))
  }
  rows <- vapply(seq_along(coefs), function(i) {
    sprintf(paste0("    {\"name\": %s, \"r_name\": %s, \"coef\": %s, \"se\": %s, \"z\": %s, ",
                   "\"p\": %s, \"hr\": %s, \"hr_lower\": %s, \"hr_upper\": %s}"),
            str(orp_names[i]), str(names(coefs)[i]), num(coefs[i]), num(se[i]), num(z[i]),
            num(p[i]), num(exp(coefs[i])), num(exp(coefs[i] - q * se[i])),
            num(exp(coefs[i] + q * se[i])))
  }, "")
  json <- c(
    "{",
    sprintf("  \"source\": %s,", str(paste0("test/golden/make_cox_fixtures.R with ", versions))),
    sprintf("  \"input\": %s,", str(csv)),
    sprintf("  \"covariates\": %s,", strs(covariates)),
    sprintf("  \"factors\": %s,", strs(factors)),
    sprintf("  \"strata\": %s,", str(strata)),
    sprintf("  \"ties\": %s,", str(ties)),
    sprintf("  \"iter_max\": %d,", as.integer(iter_max)),
    sprintf("  \"n\": %d,", fit$n),
    sprintf("  \"events\": %d,", fit$nevent),
    sprintf("  \"loglik_null\": %s,", num(fit$loglik[1])),
    sprintf("  \"loglik\": %s,", num(fit$loglik[2])),
    sprintf("  \"iterations\": %d,", fit$iter),
    sprintf("  \"score_test\": %s,", num(fit$score)),
    sprintf("  \"wald_test\": %s,", num(fit$wald.test)),
    sprintf("  \"lr_test\": %s,", num(2 * (fit$loglik[2] - fit$loglik[1]))),
    sprintf("  \"warnings\": %s,", strs(warnings_seen)),
    "  \"coefficients\": [",
    paste(rows, collapse = ",\n"),
    "  ]",
    "}")
  writeLines(json, file.path(out_dir, paste0("cox_", name, ".json")))
  if (cli) write_cli_json(name, fit, ties, orp_names, coefs, se, z, p, q)
}

# cox_cli_<name>.json: exactly what `orp cox --format json` prints (issue 6's shape), plus the
# provenance key "source", for test/json_golden_check.
write_cli_json <- function(name, fit, ties, orp_names, coefs, se, z, p, q) {
  rows <- vapply(seq_along(coefs), function(i) {
    sprintf(paste0("    {\"name\": %s, \"coef\": %s, \"se\": %s, \"z\": %s, \"p\": %s, ",
                   "\"hr\": %s, \"hr_lower\": %s, \"hr_upper\": %s}"),
            str(orp_names[i]), num(coefs[i]), num(se[i]), num(z[i]), num(p[i]),
            num(exp(coefs[i])), num(exp(coefs[i] - q * se[i])), num(exp(coefs[i] + q * se[i])))
  }, "")
  json <- c(
    "{",
    sprintf("  \"source\": %s,", str(paste0("test/golden/make_cox_fixtures.R with ", versions))),
    sprintf("  \"n\": %d,", fit$n),
    sprintf("  \"events\": %d,", fit$nevent),
    sprintf("  \"ties\": %s,", str(ties)),
    sprintf("  \"loglik_null\": %s,", num(fit$loglik[1])),
    sprintf("  \"loglik\": %s,", num(fit$loglik[2])),
    sprintf("  \"iterations\": %d,", fit$iter),
    "  \"coefficients\": [",
    paste(rows, collapse = ",\n"),
    "  ]",
    "}")
  writeLines(json, file.path(out_dir, paste0("cox_cli_", name, ".json")))
}

# 1. The worked example in statistics.md §4: survival::aml, Surv(time, status) ~ x.
aml_df <- data.frame(time = aml$time, status = aml$status, x = as.character(aml$x))
csv <- write_input("aml", aml_df)
fit_case("aml_efron", csv, aml_df, factors = "x", ties = "efron")
fit_case("aml_breslow", csv, aml_df, factors = "x", ties = "breslow")

# 2. survival::lung complete cases (status recoded 1/2 -> 0/1): a real, lightly tied data set.
lung_df <- na.omit(data.frame(time = lung$time, status = lung$status - 1, age = lung$age,
                              sex = lung$sex, ph_ecog = lung$ph.ecog, inst = lung$inst))
csv <- write_input("lung", lung_df)
fit_case("lung_efron", csv, lung_df, covariates = c("age", "sex", "ph_ecog"))
fit_case("lung_breslow", csv, lung_df, covariates = c("age", "sex", "ph_ecog"), ties = "breslow")
fit_case("lung_ecog_factor", csv, lung_df, covariates = c("age", "sex"), factors = "ph_ecog",
         cli = TRUE)

# 3. Heavy ties: 400 subjects, integer times 1..8, three covariates (one 0/1, one -1/0/1, which
#    coxph does not centre, and one continuous).
set.seed(20261126)
n <- 400
ties_df <- data.frame(age = round(rnorm(n, 70, 9), 2), female = rbinom(n, 1, 0.55),
                      side = sample(c(-1, 0, 1), n, replace = TRUE))
lp <- 0.03 * (ties_df$age - 70) + 0.4 * ties_df$female - 0.3 * ties_df$side
ties_df$time <- pmin(8, ceiling(rexp(n, 0.15 * exp(lp))))
ties_df$status <- as.integer(runif(n) < 0.7 & ties_df$time < 8)
ties_df <- ties_df[, c("time", "status", "age", "female", "side")]
csv <- write_input("ties", ties_df)
fit_case("ties_efron", csv, ties_df, covariates = c("age", "female", "side"))
fit_case("ties_breslow", csv, ties_df, covariates = c("age", "female", "side"), ties = "breslow")

# 4. A four-level factor (brand) with a numeric covariate, and strata by site.
n <- 600
brand_df <- data.frame(brand = sample(c("Gamma", "Alpha", "Delta", "Beta"), n, replace = TRUE),
                       age = round(runif(n, 45, 90), 1),
                       site = sample(c("RXH", "RTH", "RJ1"), n, replace = TRUE))
hr <- c(Alpha = 1, Beta = 1.6, Delta = 0.7, Gamma = 2.2)[brand_df$brand]
base <- c(RJ1 = 0.02, RTH = 0.04, RXH = 0.01)[brand_df$site]
t_event <- rexp(n, base * hr * exp(0.02 * (brand_df$age - 65)))
t_cens <- runif(n, 5, 60)
brand_df$time <- round(pmin(t_event, t_cens), 2)
brand_df$status <- as.integer(t_event <= t_cens)
brand_df <- brand_df[, c("time", "status", "brand", "age", "site")]
csv <- write_input("brand", brand_df)
fit_case("brand_efron", csv, brand_df, covariates = "age", factors = "brand")
fit_case("brand_breslow", csv, brand_df, covariates = "age", factors = "brand", ties = "breslow")
fit_case("brand_strata_efron", csv, brand_df, covariates = "age", factors = "brand",
         strata = "site")
fit_case("brand_strata_breslow", csv, brand_df, covariates = "age", factors = "brand",
         strata = "site", ties = "breslow", cli = TRUE)

# 5. Tiny data sets: eight subjects with a tie of two events, and every event at one time.
tiny_df <- data.frame(time = c(1, 2, 2, 3, 4, 4, 5, 6), status = c(1, 1, 1, 0, 1, 0, 1, 0),
                      x = c(0.5, 1.2, -0.3, 0.8, 2.0, 0.1, -1.0, 0.4))
csv <- write_input("tiny", tiny_df)
fit_case("tiny_efron", csv, tiny_df, covariates = "x")
fit_case("tiny_breslow", csv, tiny_df, covariates = "x", ties = "breslow")
onetime_df <- data.frame(time = c(3, 3, 3, 3, 5, 5, 7, 7, 7, 9),
                         status = c(1, 1, 1, 0, 0, 0, 0, 1, 0, 0),
                         x = c(1, 0, 1, 1, 0, 0, 1, 0, 1, 0))
csv <- write_input("onetime", onetime_df)
fit_case("onetime_efron", csv, onetime_df, covariates = "x")

# 6. Models R fits only with a warning; ORP refuses them. A brand with no events separates
#    (its coefficient runs to -Inf); a covariate that is twice another is collinear (R: NA);
#    an iteration limit of 2 stops before convergence.
sep_df <- brand_df[brand_df$site == "RTH", c("time", "status", "brand", "age")]
sep_df$status[sep_df$brand == "Delta"] <- 0L
csv <- write_input("separated", sep_df)
fit_case("separated", csv, sep_df, covariates = "age", factors = "brand")
col_df <- ties_df
col_df$age_months <- col_df$age * 12
csv <- write_input("collinear", col_df)
fit_case("collinear", csv, col_df, covariates = c("age", "female", "age_months"))
fit_case("iterlimit", "cox_lung.csv", lung_df, covariates = c("age", "sex", "ph_ecog"),
         iter_max = 2)

# 7. Nearly equal times, with strata: gaps under sqrt(.Machine$double.eps) absolutely (2 and
#    2.00000001) or relative to the mean |time| (-0.001 and 0 next to a time of 1e6) are ties.
near_df <- data.frame(
  time = c(-2.5, 0.25, 3, 0, 0, 7.75, 1e6, -1e-3, 3, 0.25, 2, 5, 1.0000000001, 1, 2.00000001,
           4, 4.5),
  status = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1),
  x = c(0.2, 1.5, -0.7, 0.9, 0.1, -1.1, 0.4, 2.2, 0, -0.3, 1, 0.6, -0.4, 0.8, 1.3, 0.5, -0.9),
  s = c(-5, 9, -5, 9, -5, 9, -5, 9, -5, 9, -5, 9, -5, 9, -5, 9, -5))
csv <- write_input("nearties", near_df)
fit_case("nearties_efron", csv, near_df, covariates = "x", strata = "s", cli = TRUE)
fit_case("nearties_breslow", csv, near_df, covariates = "x", strata = "s", ties = "breslow")

cat("wrote Cox fixtures with", versions, "\n")
