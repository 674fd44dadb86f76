# Golden files for `orp survival --db` (src/orp/analytics/): implant survival by group on a
# registry built from the store, computed here by R from the SUBMISSION FILES alone, so the
# whole path — ingest, linkage of revisions to the implants they remove, deaths, the cohort, the
# data cut, Kaplan–Meier and Aalen–Johansen — is checked against survival::survfit and
# cmprsk::cuminc. Rerun from the repository root after changing the fixture:
#
#   Rscript test/golden/make_registry_survival_fixtures.R
#
# Input (test/golden/registry/, committed): BCIR-*.csv from `orp synth --seed 21 --procedures
# 1000 --registries BCIR --error-rate 0`, its deaths.csv, and the BCIR rows of its device
# catalogue. Every revision there names the devices it removes (gtin, lot, serial), so the cohort
# is a join: an implant of a primary is revised on the first later revision/explant of the same
# patient naming that device; a patient's death ends follow-up; the data cut ends the rest.
#
# Output: registry_survival_model_km.json and registry_survival_brand_aj.json, in the exact JSON
# shape `orp survival --db ... --format json` writes (analytics/report_json.h); test/CMakeLists.txt
# compares them with json_golden_check (1e-10 relative, cif keys 1e-8).
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
})

dir <- "test/golden/registry"
out_dir <- "test/golden"
versions <- sprintf("R %s, survival %s, cmprsk %s", getRversion(),
                    packageVersion("survival"), packageVersion("cmprsk"))

files <- sort(list.files(dir, pattern = "^BCIR-.*\\.csv$", full.names = TRUE))
rows <- do.call(rbind, lapply(files, function(f)
  read.csv(f, colClasses = "character", na.strings = character(0))))
deaths <- read.csv(file.path(dir, "deaths.csv"), colClasses = "character")
catalogue <- read.csv(file.path(dir, "device-catalogue.csv"), colClasses = "character")
day <- function(x) as.integer(as.Date(x))

# --- the cohort, from the files -----------------------------------------------------------
key <- function(r) paste(r$nhs_number, r$gtin, r$lot, r$serial)
units <- rows[rows$procedure_type == "primary" & rows$device_action == "implanted", ]
units$primary <- day(units$procedure_date)
removals <- rows[rows$procedure_type %in% c("revision", "explant") &
                 rows$device_action == "explanted", ]
removals$day <- day(removals$procedure_date)
units$removal <- NA_integer_
for (i in seq_len(nrow(units))) {
  r <- removals[key(removals) == key(units[i, ]) & removals$day >= units$primary[i], ]
  if (nrow(r) > 0) units$removal[i] <- min(r$day)
}
units$death <- day(deaths$date_of_death[match(units$nhs_number, deaths$nhs_number)])
units$model <- catalogue$model[match(units$gtin, catalogue$gtin)]
units$brand <- catalogue$brand[match(units$gtin, catalogue$gtin)]
end_of_data <- max(c(units$primary, units$removal, units$death), na.rm = TRUE)

# Status at a data cut: 1 revision (a revision on the day of death counts), 2 death, 0 censored.
at_cut <- function(u, cut) {
  u <- u[u$primary <= cut, ]
  rev <- !is.na(u$removal) & u$removal <= cut & (is.na(u$death) | u$removal <= u$death)
  dead <- !rev & !is.na(u$death) & u$death <= cut
  u$status <- ifelse(rev, 1L, ifelse(dead, 2L, 0L))
  u$exit <- ifelse(rev, u$removal, ifelse(dead, u$death, cut)) - u$primary
  u
}

# --- a tiny JSON writer (17 significant digits; NA/NaN as null) ---------------------------
num <- function(x) ifelse(is.na(x) | is.infinite(x), "null", sprintf("%.17g", x))
int <- function(x) sprintf("%d", as.integer(x))
lgl <- function(x) ifelse(x, "true", "false")
q <- function(s) paste0("\"", s, "\"")
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste0("\"", names(kv), "\":", unlist(kv), collapse = ","), "}")
}
arr <- function(items) paste0("[", paste(unlist(items), collapse = ",\n"), "]")

z <- qnorm(0.975)
# The interval of a cumulative incidence F: the log-log survival interval of 1 - F, whose log
# has standard error sqrt(var) / (1 - F) (as analytics/survival.cc documents).
cif_ci <- function(f, v) {
  lo <- hi <- rep(NA_real_, length(f))
  zero <- !is.na(f) & f == 0
  lo[zero] <- 0
  hi[zero] <- 0
  ok <- !is.na(f) & f > 0
  if (any(ok)) {
    ci <- survival:::survfit_confint(1 - f[ok], sqrt(v[ok]) / (1 - f[ok]), logse = TRUE,
                                     conf.type = "log-log", conf.int = 0.95)
    lo[ok] <- 1 - ci$upper
    hi[ok] <- 1 - ci$lower
  }
  list(lower = lo, upper = hi)
}

# cuminc leaves out a cause that never occurs in a group (and fails when nothing occurs); its
# Fortran routine cinc, called exactly as cuminc calls it, still gives that cause's flat curve
# (the same device as make_survival_fixtures.R).
cinc_direct <- function(t, s, k) {
  o <- order(t)
  t <- t[o]
  s <- s[o]
  len <- 2 * length(unique(t[s == k])) + 2
  z <- .Fortran("cinc", as.double(t), as.integer(s != 0), as.integer(s == k),
                as.integer(length(t)), x = double(len), f = double(len), v = double(len),
                PACKAGE = "cmprsk")
  list(time = z$x, est = z$f, var = z$v)
}

group_json <- function(u, label, years, aj, fit_all) {
  g <- u[u$group == label, ]
  fit <- fit_all[paste0("group=", label)]
  s <- summary(fit, times = years * 365.25, extend = TRUE)
  ci <- NULL
  if (aj) {
    cif <- if (any(g$status != 0)) cuminc(g$exit, g$status, cencode = 0) else list()
    tp <- function(cause, t) {
      k <- paste("1", cause)
      w <- if (k %in% names(cif)) cif[k] else list(cinc_direct(g$exit, g$status, cause))
      p <- timepoints(w, t)
      list(est = as.vector(p$est), var = as.vector(p$var))
    }
  }
  at <- lapply(seq_along(s$time), function(i) {
    fields <- list(years = num(s$time[i] / 365.25), days = num(s$time[i]),
                   n_risk = int(s$n.risk[i]), n_event = int(s$n.event[i]),
                   n_censor = int(s$n.censor[i]), few_at_risk = lgl(s$n.risk[i] < 250),
                   withheld = "false", surv = num(s$surv[i]), std_err = num(s$std.err[i]),
                   lower = num(s$lower[i]), upper = num(s$upper[i]))
    if (aj) {
      e <- tp(1, s$time[i]); d <- tp(2, s$time[i]); ci <- cif_ci(e$est, e$var)
      fields <- c(fields, list(cif = num(e$est), cif_var = num(e$var), cif_lower = num(ci$lower),
                               cif_upper = num(ci$upper), cif_death = num(d$est),
                               cif_death_var = num(d$var)))
    }
    do.call(obj, fields)
  })
  curve <- lapply(seq_along(fit$time), function(i) {
    fields <- list(day = int(fit$time[i]), n_risk = int(fit$n.risk[i]),
                   n_event = int(fit$n.event[i]), n_censor = int(fit$n.censor[i]),
                   surv = num(fit$surv[i]), lower = num(fit$lower[i]), upper = num(fit$upper[i]))
    if (aj) {
      e <- tp(1, fit$time[i]); ci <- cif_ci(e$est, e$var)
      fields <- c(fields, list(cif = num(e$est), cif_lower = num(ci$lower),
                               cif_upper = num(ci$upper)))
    }
    do.call(obj, fields)
  })
  obj(group = q(label), n = int(nrow(g)), revisions = int(sum(g$status == 1)),
      deaths = int(sum(g$status == 2)), withheld = "false", at = arr(at), curve = arr(curve))
}

report <- function(by, method, cut, years, name) {
  u <- at_cut(units, if (is.null(cut)) end_of_data else cut)
  u$group <- u[[by]]
  fit <- survfit(Surv(exit, status == 1) ~ group, data = u, conf.type = "log-log")
  labels <- sort(unique(u$group), method = "radix")  # bytewise, as ORP sorts
  groups <- lapply(labels, function(l) group_json(u, l, years, method == "aj", fit))
  json <- obj(source = q(paste("test/golden/make_registry_survival_fixtures.R;", versions)),
              registry = q("BCIR"), by = q(by), unit = q("implant"), method = q(method),
              audience = q("national"), conf_type = q("log-log"), conf_level = num(0.95),
              data_cut = q(format(as.Date(if (is.null(cut)) end_of_data else cut, origin = "1970-01-01"))),
              change_seq = int(length(files) + 1), opt_out_applied = "false",
              units = int(nrow(u)),
              excluded = obj(opted_out = "0", after_data_cut = int(nrow(units) - nrow(u)),
                             inconsistent_dates = "0"),
              at_risk_rules = obj(flag_below = "250", suppress_below = "0"),
              groups = arr(groups))
  writeLines(json, file.path(out_dir, name))
  cat("wrote", name, "\n")
}

# By model with Kaplan–Meier at the end of data; by brand with Aalen–Johansen at an earlier cut.
report("model", "km", NULL, c(1, 3, 5, 8), "registry_survival_model_km.json")
report("brand", "aj", day("2021-06-30"), c(0.5, 2, 5, 12), "registry_survival_brand_aj.json")
