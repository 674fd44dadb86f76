# Generates the golden files for ORP's Kaplan–Meier, cumulative incidence and Poisson rate code
# (src/orp/stats/) from R itself: survival::survfit/summary.survfit, cmprsk::cuminc/timepoints
# and stats::poisson.test. The C++ tests read only the files this script writes, so CI needs no
# R. Rerun after changing a dataset, from the repository root:
#
#   Rscript test/golden/make_survival_fixtures.R
#
# Writes test/golden/survival_*.json, cuminc_*.json, rates_poisson.json and the CLI fixture
# survival_cli_input.csv. Every number is written with 17 significant digits; NA/NaN as null,
# infinities as the strings "Inf"/"-Inf". Each file records the R and package versions.
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
})

out_dir <- "test/golden"
versions <- sprintf("R %s, survival %s, cmprsk %s", getRversion(),
                    packageVersion("survival"), packageVersion("cmprsk"))

# --- a tiny JSON writer (full precision; no extra packages needed) ---------------------------
num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x), "null",
         ifelse(is.infinite(x), ifelse(x > 0, "\"Inf\"", "\"-Inf\""), sprintf("%.17g", x)))
  paste0("[", paste(s, collapse = ","), "]")
}
int <- function(x) paste0("[", paste(sprintf("%d", as.integer(x)), collapse = ","), "]")
str <- function(x) paste0("[", paste0("\"", x, "\"", collapse = ","), "]")
obj <- function(...) {
  kv <- list(...)
  kv <- kv[!vapply(kv, is.null, logical(1))]
  paste0("{", paste0("\"", names(kv), "\":", unlist(kv), collapse = ","), "}")
}
arr <- function(items) paste0("[", paste(unlist(items), collapse = ",\n"), "]")
q <- function(s) paste0("\"", s, "\"")
write_fixture <- function(name, json) {
  path <- file.path(out_dir, name)
  writeLines(json, path)
  cat("wrote", path, "\n")
}

# --- Kaplan–Meier ----------------------------------------------------------------------------
ci_settings <- list(list(type = "log", level = 0.95), list(type = "log-log", level = 0.95),
                    list(type = "plain", level = 0.95), list(type = "log-log", level = 0.90),
                    list(type = "log", level = 0.99))

# One survfit over all groups (so survfit's time fix, aeqSurv, sees the whole data set, as it
# does in real use), then the group's stratum.
km_fit <- function(d, label, type, level) {
  group <- d$group
  f <- if (is.null(d$entry)) Surv(d$time, d$status == 1) else
    Surv(d$entry, d$time, d$status == 1)
  fit <- survfit(f ~ group, conf.type = type, conf.int = level)
  if (is.null(fit$strata)) fit else fit[match(paste0("group=", label), names(fit$strata))]
}

summary_at <- function(fit, times, extend) {
  s <- tryCatch(summary(fit, times = times, extend = extend), error = function(e) NULL)
  if (is.null(s)) return(obj(time = "[]", n_risk = "[]", n_event = "[]", n_censor = "[]",
                             surv = "[]", std_err = "[]", lower = "[]", upper = "[]"))
  obj(time = num(s$time), n_risk = int(s$n.risk), n_event = int(s$n.event),
      n_censor = int(s$n.censor), surv = num(s$surv), std_err = num(s$std.err),
      lower = num(s$lower), upper = num(s$upper))
}

km_group <- function(d, label, times) {
  base <- km_fit(d, label, "log", 0.95)
  curve <- obj(time = num(base$time), n_risk = int(base$n.risk), n_event = int(base$n.event),
               n_censor = int(base$n.censor), surv = num(base$surv),
               log_std_err = num(base$std.err),
               std_err = num(summary(base, censored = TRUE)$std.err))
  cis <- lapply(ci_settings, function(s) {
    f <- km_fit(d, label, s$type, s$level)
    obj(type = q(s$type), level = num(s$level), lower = num(f$lower), upper = num(f$upper),
        at = summary_at(f, times, FALSE), at_extend = summary_at(f, times, TRUE))
  })
  obj(group = q(label), n = sprintf("%d", base$n),
      events = sprintf("%d", sum(d$status[d$group == label] == 1)), curve = curve,
      ci = arr(cis))
}

km_fixture <- function(name, description, d, times) {
  labels <- sort(unique(d$group))
  groups <- lapply(labels, function(g) km_group(d, g, times))
  input <- obj(time = num(d$time), status = int(d$status), group = str(d$group),
               entry = if (is.null(d$entry)) NULL else num(d$entry))
  write_fixture(paste0("survival_", name, ".json"),
                obj(source = q(paste("make_survival_fixtures.R;", versions)),
                    description = q(description), times = num(times), input = input,
                    groups = arr(groups)))
}

set.seed(20261126)

# The spec's worked example (statistics.md §1): Freireich 6-MP arm.
km_fixture("freireich", "Freireich 6-MP arm (statistics.md section 1)",
  list(time = c(6,6,6,6,7,9,10,10,11,13,16,17,19,20,22,23,25,32,32,34,35),
       status = c(1,1,1,0,1,0,1,0,0,1,1,0,0,0,1,1,0,0,0,0,0), group = rep("6-MP", 21)),
  c(0, 5, 6, 6.5, 10, 13, 16, 22, 23, 30, 35, 36, 100))

km_fixture("aml", "survival::aml, two groups",
  list(time = aml$time, status = aml$status, group = as.character(aml$x)),
  c(0, 5, 10, 12.5, 20, 30, 45, 48, 100, 161, 200))

lung_status <- lung$status - 1
km_fixture("lung", "survival::lung (status 2 = death as the event), by sex",
  list(time = lung$time, status = lung_status, group = ifelse(lung$sex == 1, "male", "female")),
  c(0, 30, 90, 182.5, 365, 730, 1000, 1022, 2000))

n <- 300
km_fixture("ties", "integer times 1..12 with many tied events and censorings, three groups",
  list(time = sample(1:12, n, replace = TRUE), status = rbinom(n, 1, 0.4),
       group = sample(c("a", "b", "c"), n, replace = TRUE)),
  c(0, 1, 2.5, 6, 12, 13))

n <- 400
km_fixture("heavy_censoring", "90% censored, continuous times, two groups",
  list(time = round(rexp(n, 0.1), 3), status = rbinom(n, 1, 0.1),
       group = sample(c("x", "y"), n, replace = TRUE)),
  c(0, 1, 5, 10, 20, 50))

km_fixture("edge_groups",
  "all-censored, single-subject, ends-in-event (S = 0), events at time 0, competing codes",
  list(time = c(3, 5, 5, 9,   7,   2, 4, 4, 6,   0, 0, 1, 2, 2, 3,   1, 2, 2, 3, 5),
       status = c(0, 0, 0, 0,  1,   1, 0, 1, 1,   1, 0, 1, 2, 1, 0,   2, 1, 2, 0, 1),
       group = c(rep("allcens", 4), "single", rep("tozero", 4), rep("timezero", 6),
                 rep("competing", 5))),
  c(-1, 0, 0.5, 2, 4, 6, 7, 9, 10))

n <- 250
entry <- round(runif(n, 0, 5), 1)
km_fixture("late_entry", "left truncation (entry, exit], ties between entries and exits",
  list(entry = entry, time = entry + pmax(0.1, round(rexp(n, 0.2), 1)),
       status = rbinom(n, 1, 0.5), group = sample(c("p", "q", "r"), n, replace = TRUE)),
  c(0, 0.5, 1, 2, 4, 8, 16, 40))

n <- 1500
km_fixture("integer_days", "integer days 0..1500, statuses 0/1/2 (2 censored for KM), 5 groups",
  list(time = pmin(1500L, as.integer(rexp(n, 1 / 500))),
       status = sample(0:2, n, replace = TRUE, prob = c(0.8, 0.12, 0.08)),
       group = sample(sprintf("g%02d", 1:5), n, replace = TRUE)),
  c(0, 365, 730, 1095, 1461, 1500, 1826))

# --- Cumulative incidence (cmprsk::cuminc) ----------------------------------------------------
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

cuminc_fixture <- function(name, description, d) {
  labels <- sort(unique(d$group))
  groups <- lapply(labels, function(g) {
    rows <- d$group == g
    t <- d$time[rows]
    s <- d$status[rows]
    fit <- if (any(s != 0)) cuminc(t, s, cencode = 0) else list()
    u <- sort(unique(t))
    grid <- sort(unique(c(-1, 0, u, (u[-1] + u[-length(u)]) / 2, max(t) + 1)))
    cause <- function(k) {
      key <- paste("1", k)
      # cuminc leaves out a cause that never occurs in the group; its Fortran routine cinc,
      # called exactly as cuminc calls it, still gives that cause's (flat) curve.
      w <- if (key %in% names(fit)) fit[key] else list(cinc_direct(t, s, k))
      tp <- timepoints(w, grid)
      obj(from_cuminc = ifelse(key %in% names(fit), "true", "false"),
          est = num(tp$est[1, ]), var = num(tp$var[1, ]))
    }
    obj(group = q(g), grid = num(grid), event = cause(1), competing = cause(2))
  })
  input <- obj(time = num(d$time), status = int(d$status), group = str(d$group))
  write_fixture(paste0("cuminc_", name, ".json"),
                obj(source = q(paste("make_survival_fixtures.R;", versions)),
                    description = q(description), input = input, groups = arr(groups)))
}

cuminc_fixture("toy", "statistics.md section 2 toy data (years; 1 revision, 2 death)",
  list(time = c(0.5,1,1,1.5,2,2,2.5,3,3,3.5,4,4.5,5,5,5.5,6,6.5,7,8,9),
       status = c(1,2,0,1,2,0,1,0,2,1,0,2,1,0,2,0,1,2,0,0), group = rep("toy", 20)))

n <- 400
cuminc_fixture("ties", "integer times 1..15, tied revisions, deaths and censorings, 3 groups",
  list(time = sample(1:15, n, replace = TRUE),
       status = sample(0:2, n, replace = TRUE, prob = c(0.5, 0.3, 0.2)),
       group = sample(c("a", "b", "c"), n, replace = TRUE)))

cuminc_fixture("edge_groups",
  "only deaths, only censored, ends with all failing (S = 0), single subject",
  list(time = c(1, 2, 3,   1, 4,   1, 2, 2, 3, 3,   5),
       status = c(2, 0, 2,  0, 0,   1, 2, 1, 1, 2,   1),
       group = c(rep("deaths", 3), rep("censored", 2), rep("tozero", 5), "single")))

n <- 1500
cuminc_fixture("integer_days", "integer days 0..2000, 4 groups",
  list(time = pmin(2000L, as.integer(rexp(n, 1 / 700))),
       status = sample(0:2, n, replace = TRUE, prob = c(0.75, 0.1, 0.15)),
       group = sample(sprintf("g%d", 1:4), n, replace = TRUE)))

# --- Poisson rates and the rate-ratio test (stats::poisson.test) -----------------------------
rate_cases <- list(c(14, 400), c(0, 250), c(5, 1234.5), c(1, 0.5), c(37, 912.25),
                   c(312, 60000), c(2500, 51234.75), c(20000, 1e6))
rates <- lapply(rate_cases, function(r) lapply(c(0.95, 0.9, 0.99), function(level) {
  p <- poisson.test(r[1], r[2], conf.level = level)
  obj(events = int(r[1]), person_time = num(r[2]), level = num(level),
      rate = num(p$estimate), lower = num(p$conf.int[1]), upper = num(p$conf.int[2]))
}))
ratio_cases <- list(c(12, 800, 300, 60000), c(0, 100, 5, 400), c(5, 100, 0, 400),
                    c(3, 10, 3, 10), c(7, 120.5, 40, 2000), c(150, 3000, 2000, 50000),
                    c(1, 1000, 1, 1), c(900, 10000, 8000, 100000), c(6000, 80000, 9000, 90000))
ratios <- lapply(ratio_cases, function(r) lapply(c(0.95, 0.9), function(level) {
  p <- poisson.test(c(r[1], r[3]), c(r[2], r[4]), conf.level = level)
  obj(events1 = int(r[1]), person_time1 = num(r[2]), events2 = int(r[3]),
      person_time2 = num(r[4]), level = num(level), estimate = num(p$estimate),
      lower = num(p$conf.int[1]), upper = num(p$conf.int[2]), p_value = num(p$p.value))
}))
write_fixture("rates_poisson.json",
  obj(source = q(paste("make_survival_fixtures.R;", versions)),
      description = q("stats::poisson.test, one-sample rates and two-sample rate ratios"),
      rates = arr(unlist(rates, recursive = FALSE)),
      ratios = arr(unlist(ratios, recursive = FALSE))))

# --- Command-line fixtures: an input CSV and R's answer in the commands' JSON shapes ---------
one <- function(x) {
  if (is.na(x)) "null" else if (is.infinite(x)) "null" else sprintf("%.17g", x)
}
rows_json <- function(cols) {
  n <- length(cols[[1]])
  if (n == 0) return("[]")
  arr(lapply(seq_len(n), function(i) {
    do.call(obj, lapply(cols, function(v) if (is.integer(v)) sprintf("%d", v[i]) else one(v[i])))
  }))
}

cli_survival_expected <- function(d, type, level, times, extend, competing) {
  labels <- sort(unique(d$group))
  group <- d$group
  f <- if (is.null(d$entry)) Surv(d$time, d$status == 1) else
    Surv(d$entry, d$time, d$status == 1)
  fit <- survfit(f ~ group, conf.type = type, conf.int = level)
  ci <- if (competing) cuminc(d$time, d$status, d$group, cencode = 0) else NULL
  groups <- lapply(labels, function(g) {
    s <- fit[match(paste0("group=", g), names(fit$strata))]
    sc <- summary(s, censored = TRUE)
    curve <- list(time = s$time, n_risk = as.integer(s$n.risk), n_event = as.integer(s$n.event),
                  n_censor = as.integer(s$n.censor), surv = s$surv, std_err = sc$std.err,
                  lower = s$lower, upper = s$upper)
    st <- summary(s, times = times, extend = extend)
    at <- list(time = st$time, n_risk = as.integer(st$n.risk), surv = st$surv,
               lower = st$lower, upper = st$upper)
    if (competing) {
      add <- function(cols, tt) {
        e <- timepoints(ci[paste(g, 1)], tt)
        k <- timepoints(ci[paste(g, 2)], tt)
        c(cols, list(cif = e$est[1, ], cif_var = e$var[1, ], cif_competing = k$est[1, ],
                     cif_competing_var = k$var[1, ]))
      }
      curve <- add(curve, s$time)
      at <- add(at, st$time)
    }
    obj(group = q(g), n = sprintf("%d", s$n), events = sprintf("%d", sum(d$status[d$group == g] == 1)),
        curve = rows_json(curve), at = rows_json(at))
  })
  obj(source = q(paste("make_survival_fixtures.R;", versions)), groups = arr(groups))
}

write_csv <- function(name, df) {
  write.csv(df, file.path(out_dir, name), row.names = FALSE, quote = FALSE)
  cat("wrote", file.path(out_dir, name), "\n")
}

n <- 600
cli <- data.frame(id = seq_len(n), brand = sample(c("Alpha", "Beta", "Gamma"), n, replace = TRUE),
                  days = pmin(2500L, as.integer(rexp(n, 1 / 900))),
                  status = sample(0:2, n, replace = TRUE, prob = c(0.7, 0.18, 0.12)))
write_csv("survival_cli_input.csv", cli)
d <- list(time = cli$days, status = cli$status, group = cli$brand)
# orp survival --time days --status status --group brand --competing-code 2
#   --conf-type log-log --at 0,365,1000,1826,3000 --extend --format json
write_fixture("survival_cli_competing.json",
  cli_survival_expected(d, "log-log", 0.95, c(0, 365, 1000, 1826, 3000), TRUE, TRUE))

n <- 300
entry <- round(runif(n, 0, 3), 2)
cli2 <- data.frame(entry = entry, exit = entry + pmax(0.01, round(rexp(n, 0.3), 2)),
                   event = rbinom(n, 1, 0.4), site = sample(c("north", "south"), n, replace = TRUE))
write_csv("survival_cli_entry_input.csv", cli2)
# orp survival --time exit --status event --group site --entry entry --conf-level 0.9
#   --at 1,2.5,10,100 --format json
write_fixture("survival_cli_entry.json",
  cli_survival_expected(list(time = cli2$exit, status = cli2$event, group = cli2$site,
                             entry = cli2$entry), "log", 0.9, c(1, 2.5, 10, 100), FALSE, FALSE))

# orp rates --input survival_cli_input.csv --time days --status status --group brand
#   --competing-code 2 --time-unit days --per 1000 --format json
rate_obj <- function(x, py) {
  p <- poisson.test(x, py)
  c(sprintf("\"events\":%d", as.integer(x)), sprintf("\"person_years\":%s", one(py)),
    sprintf("\"rate\":%s", one(1000 * p$estimate)),
    sprintf("\"lower\":%s", one(1000 * p$conf.int[1])),
    sprintf("\"upper\":%s", one(1000 * p$conf.int[2])))
}
py <- tapply(cli$days / 365.25, cli$brand, sum)
ev <- tapply(cli$status == 1, cli$brand, sum)
nn <- tapply(cli$status, cli$brand, length)
groups <- lapply(names(py), function(g) {
  r <- poisson.test(c(ev[[g]], sum(ev) - ev[[g]]), c(py[[g]], sum(py) - py[[g]]))
  paste0("{\"group\":", q(g), ",\"n\":", nn[[g]], ",", paste(rate_obj(ev[[g]], py[[g]]), collapse = ","),
         ",\"vs_rest\":", obj(rate_ratio = one(r$estimate), lower = one(r$conf.int[1]),
                              upper = one(r$conf.int[2]), p_value = one(r$p.value)), "}")
})
write_fixture("rates_cli.json",
  paste0("{\"source\":", q(paste("make_survival_fixtures.R;", versions)),
         ",\"per\":1000,\"time_unit\":\"days\",\"conf_level\":0.95,\"overall\":{\"n\":", n <- nrow(cli),
         ",", paste(rate_obj(sum(ev), sum(py)), collapse = ","), "},\"groups\":", arr(groups), "}"))
