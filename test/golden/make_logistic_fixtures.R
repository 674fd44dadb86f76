# Generates the risk-adjustment golden files: test/golden/logistic_*.{csv,json} (R
# glm(family = binomial) fits at full precision) and expected_cox_*.{csv,json} (R
# predict(coxph(..., ties = "breslow"), type = "expected")). The C++ tests
# (src/orp/stats/risk_model_golden_test.cc) read only the committed files; CI has
# no R. Run from the repository root:
#
#   Rscript test/golden/make_logistic_fixtures.R
#
# Factor levels are sorted in byte order (LC_COLLATE=C), the first level is the reference, and
# a level's coefficient is named "asa=3" (R's "asa3"), as stats/cox_design.h builds them.

suppressPackageStartupMessages(library(survival))
invisible(Sys.setlocale("LC_COLLATE", "C"))

out_dir <- file.path("test", "golden")
stopifnot(dir.exists(out_dir))
versions <- sprintf("R %s, survival %s", paste(R.version$major, R.version$minor, sep = "."),
                    as.character(packageVersion("survival")))
num <- function(x) if (length(x) != 1 || is.na(x)) "null" else format(x, digits = 17)
nums <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ","), "]")
str <- function(x) paste0("\"", gsub("\"", "\\\\\"", x), "\"")
strs <- function(x) paste0("[", paste(vapply(x, str, ""), collapse = ","), "]")

# R names "asa3"; ORP names "asa=3".
orp_names <- function(fit_names, factors) {
  out <- fit_names
  for (f in factors) {
    hit <- startsWith(out, f) & out != f
    out[hit] <- paste0(f, "=", substring(out[hit], nchar(f) + 1))
  }
  out
}

logistic_case <- function(name, df, outcome, covariates = character(), factors = character()) {
  csv <- paste0("logistic_", name, ".csv")
  write.csv(df, file.path(out_dir, csv), row.names = FALSE, quote = FALSE)
  for (f in factors) df[[f]] <- factor(df[[f]], levels = sort(unique(as.character(df[[f]]))))
  form <- as.formula(paste(outcome, "~", paste(c(covariates, factors), collapse = " + ")))
  warnings_seen <- character()
  fit <- withCallingHandlers(glm(form, data = df, family = binomial),
    warning = function(w) {
      warnings_seen <<- c(warnings_seen, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  s <- coef(summary(fit))
  cf <- coef(fit)
  se <- rep(NA, length(cf))
  names(se) <- names(cf)
  z <- se; p <- se
  se[rownames(s)] <- s[, 2]; z[rownames(s)] <- s[, 3]; p[rownames(s)] <- s[, 4]
  names_out <- orp_names(names(cf), factors)
  coefs <- vapply(seq_along(cf), function(k) sprintf(
    "{\"name\":%s,\"estimate\":%s,\"se\":%s,\"z\":%s,\"p\":%s}", str(names_out[k]), num(cf[k]),
    num(se[k]), num(z[k]), num(p[k])), "")
  json <- sprintf(paste0(
    "{\"r\":%s,\"input\":%s,\"outcome\":%s,\"covariates\":%s,\"factors\":%s,\"n\":%d,",
    "\"iterations\":%d,\"converged\":%s,\"deviance\":%s,\"null_deviance\":%s,\"aic\":%s,",
    "\"warnings\":%s,\"coefficients\":[%s],\"fitted_head\":%s}\n"),
    str(versions), str(csv), str(outcome), strs(covariates), strs(factors), nrow(df), fit$iter,
    tolower(as.character(fit$converged)), num(fit$deviance), num(fit$null.deviance),
    num(fit$aic), strs(warnings_seen), paste(coefs, collapse = ","),
    nums(unname(head(fitted(fit), 20))))
  writeLines(json, file.path(out_dir, paste0("logistic_", name, ".json")), sep = "")
}

# 1. A published example: transmission type on horsepower and weight (mtcars; R's own data set).
#    Widely quoted: (Intercept) 18.86630, hp 0.03626, wt -8.08348.
logistic_case("mtcars", mtcars[, c("am", "hp", "wt")], "am", c("hp", "wt"))

# 2. A case-mix model of 90-day death like the surveillance run fits: age, sex, ASA, indication.
set.seed(7)
n <- 4000
casemix <- data.frame(age = round(rnorm(n, 70, 10), 1),
                      sex = sample(c("F", "M"), n, TRUE, c(0.6, 0.4)),
                      asa = sample(c("1", "2", "3", "4"), n, TRUE, c(0.15, 0.5, 0.3, 0.05)),
                      indication = sample(c("oa", "fracture", "avn"), n, TRUE, c(0.8, 0.15, 0.05)))
lp <- -7 + 0.06 * (casemix$age - 70) + 0.3 * (casemix$sex == "M") +
  c("1" = 0, "2" = 0.4, "3" = 1.0, "4" = 1.8)[casemix$asa] + 1.2 * (casemix$indication == "fracture")
casemix$died <- rbinom(n, 1, plogis(lp + 4.5))
logistic_case("casemix", casemix, "died", "age", c("sex", "asa", "indication"))

# 3. Separation: x > 0 always dies. glm warns; ORP refuses.
sep <- data.frame(x = c(-3, -2, -1, -0.5, 0.5, 1, 2, 3), y = c(0, 0, 0, 0, 1, 1, 1, 1))
logistic_case("separated", sep, "y", "x")

# 4. Collinear: z = 2 x. glm gives z an NA coefficient; ORP refuses, naming z.
col <- data.frame(x = c(1, 2, 3, 4, 5, 6, 7, 8), y = c(0, 1, 0, 0, 1, 1, 0, 1))
col$z <- 2 * col$x
logistic_case("collinear", col, "y", c("x", "z"))

# Cox expected counts (Breslow), with a factor and strata, on a revision-like cohort with ties.
set.seed(11)
m <- 1500
cx <- data.frame(age = round(rnorm(m, 68, 9)),
                 sex = sample(c("F", "M"), m, TRUE),
                 asa = sample(c("1", "2", "3"), m, TRUE, c(0.2, 0.5, 0.3)),
                 registry = sample(c("A", "B"), m, TRUE))
rate <- 0.01 * exp(0.02 * (cx$age - 68) + 0.3 * (cx$sex == "M") + 0.4 * (cx$asa == "3"))
event_time <- ceiling(rexp(m, rate) * 12)  # months: many ties
censor_time <- sample(1:120, m, TRUE)
cx$time <- pmin(event_time, censor_time)
cx$status <- as.integer(event_time <= censor_time)
write.csv(cx, file.path(out_dir, "expected_cox_casemix.csv"), row.names = FALSE, quote = FALSE)
cxf <- cx
for (f in c("sex", "asa")) cxf[[f]] <- factor(cxf[[f]], levels = sort(unique(cxf[[f]])))
expected_case <- function(name, form, strata) {
  fit <- coxph(form, data = cxf, ties = "breslow")
  e <- predict(fit, type = "expected")
  json <- sprintf(paste0("{\"r\":%s,\"input\":\"expected_cox_casemix.csv\",\"covariates\":[\"age\"],",
                         "\"factors\":[\"sex\",\"asa\"],\"strata\":%s,\"ties\":\"breslow\",",
                         "\"coefficients\":%s,\"expected\":%s}\n"),
                  str(versions), if (is.null(strata)) "null" else str(strata),
                  nums(unname(coef(fit))), nums(unname(e)))
  writeLines(json, file.path(out_dir, paste0("expected_cox_", name, ".json")), sep = "")
}
expected_case("plain", Surv(time, status) ~ age + sex + asa, NULL)
expected_case("strata", Surv(time, status) ~ age + sex + asa + strata(registry), "registry")
