# Generates the golden files for ORP's surveillance statistics (src/orp/stats/funnel, cusum,
# maxsprt, outliers, benchmark_rating) from R. The C++ test (stats/surveillance_golden_test.cc)
# reads only the files written here, so CI needs no R. Rerun from the repository root:
#
#   Rscript test/golden/make_surveillance_fixtures.R
#
# Writes test/golden/surveillance_{funnel,cusum,maxsprt,outliers,benchmark}.json. Everything is
# base R (qbinom/pbinom/ppois/poisson.test/quantile) or survival::survfit, written here from the
# published definitions (statistics.md §5-11) independently of the C++ code; the maxSPRT critical
# values come from an R implementation of the exact algorithm and are checked by Monte Carlo in
# this script. Numbers are written with 17 significant digits; each file records R's version.
suppressPackageStartupMessages(library(survival))

out_dir <- "test/golden"
versions <- sprintf("R %s, survival %s", getRversion(), packageVersion("survival"))
num <- function(x) {
  s <- ifelse(is.na(x), "null",
         ifelse(is.infinite(x), ifelse(x > 0, "\"Inf\"", "\"-Inf\""), sprintf("%.17g", x)))
  paste0("[", paste(s, collapse = ","), "]")
}
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste0("\"", names(kv), "\":", unlist(kv), collapse = ","), "}")
}
arr <- function(items) paste0("[", paste(unlist(items), collapse = ",\n"), "]")
q <- function(s) paste0("\"", s, "\"")
write_fixture <- function(name, json) {
  writeLines(json, file.path(out_dir, name))
  cat("wrote", file.path(out_dir, name), "\n")
}
source_line <- function(what) q(sprintf("make_surveillance_fixtures.R; %s; %s", versions, what))

# --- Funnel limits (Spiegelhalter 2005, exact with interpolation) ---------------------------
exact_limit <- function(cdf, qf, p, size) {
  r <- qf(p)
  while (r > 0 && cdf(r - 1) >= p) r <- r - 1
  while (cdf(r) < p) r <- r + 1
  f_below <- if (r > 0) cdf(r - 1) else 0
  (r - (cdf(r) - p) / (cdf(r) - f_below)) / size
}
probs <- c(0.001, 0.025, 0.975, 0.999)
binomial_cases <- expand.grid(theta0 = c(0.01, 0.05, 0.2), n = c(7, 30, 100, 400, 2500))
binomial <- lapply(seq_len(nrow(binomial_cases)), function(i) {
  t0 <- binomial_cases$theta0[i]; n <- binomial_cases$n[i]
  obj(theta0 = num(t0), size = num(n), p = num(probs),
      exact = num(sapply(probs, function(p) exact_limit(function(r) pbinom(r, n, t0),
                                                        function(p) qbinom(p, n, t0), p, n))),
      normal = num(t0 + qnorm(probs) * sqrt(t0 * (1 - t0) / n)))
})
ratio <- lapply(c(0.5, 1, 2.5, 10, 37.3, 50, 200, 1500), function(e) {
  obj(size = num(e), p = num(probs),
      exact = num(sapply(probs, function(p) exact_limit(function(r) ppois(r, e),
                                                        function(p) qpois(p, e), p, e))),
      normal = num(1 + qnorm(probs) / sqrt(e)))
})

# Over-dispersion: winsorised z (quantile type 7), phi, chi-squared p, additive tau^2.
overdispersion <- function(y, s, theta0, label) {
  z <- (y - theta0) / s
  cut <- quantile(z, c(0.1, 0.9), type = 7, names = FALSE)
  zw <- pmin(pmax(z, cut[1]), cut[2])
  k <- length(z); phi <- mean(zw^2); w <- 1 / s^2
  tau2 <- max(0, (k * phi - (k - 1)) / (sum(w) - sum(w^2) / sum(w)))
  obj(label = q(label), y = num(y), s = num(s), theta0 = num(theta0), z = num(z),
      z_winsorised = num(zw), phi = num(phi),
      chi2_p = num(pchisq(k * phi, k - 1, lower.tail = FALSE)), tau2 = num(tau2),
      z_adjusted = num((y - theta0) / sqrt(s^2 + tau2)))
}
smr_o <- c(5, 12, 30, 8, 45, 20, 3, 60, 15, 25, 9, 40)
smr_e <- c(6, 10, 22, 9, 30, 21, 5, 41, 16, 18, 10, 28)
set.seed(7)
prop_n <- sample(40:900, 25, replace = TRUE)
prop_o <- rbinom(25, prop_n, plogis(qlogis(0.04) + rnorm(25, 0, 0.35)))
theta_pooled <- sum(prop_o) / sum(prop_n)
write_fixture("surveillance_funnel.json", obj(
  source = source_line("qbinom/pbinom/qpois/ppois, quantile type 7"),
  binomial = arr(binomial), ratio = arr(ratio),
  overdispersion = arr(list(
    overdispersion(smr_o / smr_e, 1 / sqrt(smr_e), 1, "statistics.md §9 SMR example"),
    overdispersion(prop_o / prop_n, sqrt(theta_pooled * (1 - theta_pooled) / prop_n),
                   theta_pooled, "25 simulated hospitals, 90-day mortality, pooled target"))),
  proportion_units = obj(observed = num(prop_o), size = num(prop_n))))

# --- Risk-adjusted Bernoulli CUSUM and VLAD (Steiner 2000) ----------------------------------
cusum_path <- function(p, y, ra_up, ra_down, h_up, h_down) {
  w <- function(p, y, ra) y * log(ra) - log(1 - p + ra * p)
  x <- z <- 0; up <- lo <- numeric(length(p)); sig_up <- sig_lo <- integer(0)
  for (t in seq_along(p)) {
    x <- max(0, x + w(p[t], y[t], ra_up)); z <- min(0, z - w(p[t], y[t], ra_down))
    up[t] <- x; lo[t] <- z
    if (x >= h_up) { sig_up <- c(sig_up, t - 1L); x <- 0 }
    if (z <= -h_down) { sig_lo <- c(sig_lo, t - 1L); z <- 0 }
  }
  obj(risk = num(p), failed = num(y), h_up = num(h_up), h_down = num(h_down), upper = num(up),
      lower = num(lo), vlad = num(cumsum(p - y)), upper_signals = num(sig_up),
      lower_signals = num(sig_lo))
}
set.seed(10)
p <- runif(600, 0.01, 0.25)
# The first 300 patients in control, then the odds of failure double.
true_p <- ifelse(seq_along(p) <= 300, p, 2 * p / (1 - p + 2 * p))
y <- rbinom(600, 1, true_p)
# Run lengths by simulation (vectorised over replicates): risk mix U(0.02, 0.30) on a grid.
simulate_arl <- function(mix, ra, h, true_or, reps) {
  q <- true_or * mix / (1 - mix + true_or * mix)
  fail <- log(ra) - log(1 - mix + ra * mix); ok <- -log(1 - mix + ra * mix)
  x <- numeric(reps); len <- numeric(reps); alive <- rep(TRUE, reps)
  while (any(alive)) {
    i <- sample.int(length(mix), sum(alive), replace = TRUE)
    step <- ifelse(runif(length(i)) < q[i], fail[i], ok[i])
    x[alive] <- pmax(0, x[alive] + step); len[alive] <- len[alive] + 1
    alive[alive] <- x[alive] < h
  }
  c(mean(len), sd(len) / sqrt(reps))
}
mix <- 0.02 + 0.28 * (seq_len(500) - 0.5) / 500
set.seed(12)
arl_cases <- list(list(ra = 2, h = 2.5, true_or = 1), list(ra = 2, h = 2.5, true_or = 2),
                  list(ra = 0.5, h = 2.0, true_or = 1), list(ra = 0.5, h = 2.0, true_or = 0.5))
arl <- lapply(arl_cases, function(k) {
  s <- simulate_arl(mix, k$ra, k$h, k$true_or, 4000)
  obj(chart_odds_ratio = num(k$ra), h = num(k$h), true_odds_ratio = num(k$true_or),
      mean = num(s[1]), std_error = num(s[2]), replicates = num(4000))
})
write_fixture("surveillance_cusum.json", obj(
  source = source_line("R loop over the Steiner weights; run lengths by simulation, 4000 reps"),
  path = cusum_path(p, y, 2, 0.5, 3.5, 3.5), risk_mix = num(mix), arl = arr(arl)))

# --- Poisson maxSPRT exact critical values (Kulldorff 2011) ----------------------------------
llr <- function(k, mu) ifelse(k >= mu & k > 0, (mu - k) + k * log(k / mu), 0)
boundary <- function(k, cv) uniroot(function(mu) llr(k, mu) - cv, c(1e-12, k), tol = 1e-14)$root
alpha_of <- function(cv, t_max, m) {
  mass <- 1; now <- 0; k <- m
  repeat {
    b <- boundary(k, cv); until <- min(b, t_max)
    counts <- seq_len(k) - 1
    mass_full <- c(mass, rep(0, k - length(mass)))[seq_len(k)]
    mass <- sapply(counts, function(j) sum(mass_full[1:(j + 1)] * dpois(j - 0:j, until - now)))
    now <- until
    if (b >= t_max) break
    k <- k + 1
  }
  1 - sum(mass)
}
cv_of <- function(t_max, m, alpha = 0.05) {
  uniroot(function(cv) alpha_of(cv, t_max, m) - alpha, c(0.5, 10), tol = 1e-10)$root
}
simulate_alpha <- function(cv, t_max, m, reps) {
  hits <- 0
  for (r in seq_len(reps)) {
    times <- cumsum(rexp(qpois(1 - 1e-12, t_max) + 5))
    times <- times[times <= t_max]
    k <- seq_along(times)
    if (any(k >= m & llr(k, times) >= cv)) hits <- hits + 1
  }
  hits / reps
}
set.seed(13)
# With M = 4 and T < 5 even a zero critical value cannot spend alpha = 0.05 (P(N(T) >= 4) is
# below it), so those designs have no critical value.
sprt_cases <- rbind(expand.grid(t = c(1, 2, 5, 10, 20, 50, 100), m = 1),
                    expand.grid(t = c(5, 10, 20, 100), m = 4))
sprt <- lapply(seq_len(nrow(sprt_cases)), function(i) {
  cv <- cv_of(sprt_cases$t[i], sprt_cases$m[i])
  obj(upper_limit = num(sprt_cases$t[i]), min_events = num(sprt_cases$m[i]), alpha = num(0.05),
      cv = num(cv))
})
mc <- simulate_alpha(cv_of(10, 1), 10, 1, 40000)
cat(sprintf("maxSPRT Monte Carlo alpha at T = 10, M = 1: %.4f (40000 runs)\n", mc))
write_fixture("surveillance_maxsprt.json", obj(
  source = source_line(sprintf(
    "exact algorithm of statistics.md §11 in R; Monte Carlo alpha at T = 10: %.4f", mc)),
  critical_values = arr(sprt), monte_carlo_alpha_t10 = num(mc)))

# --- NJR PTIR outliers and the AOANJRR stage-one screen --------------------------------------
set.seed(14)
k <- 40
implants <- data.frame(group = rep(0:3, each = 10), primaries = sample(3:900, k, replace = TRUE))
implants$person_years <- round(implants$primaries * runif(k, 1.5, 7), 2)
base_rate <- c(0.004, 0.006, 0.005, 0.009)[implants$group + 1]
mult <- ifelse(seq_len(k) %in% c(3, 14, 25, 31), 3.5, 1)
implants$revisions <- pmin(implants$primaries, rpois(k, implants$person_years * base_rate * mult))
implants$primaries[9] <- 3; implants$revisions[9] <- 3; implants$person_years[9] <- 2.5
implants$primaries[20] <- 1500  # dominant in group 1
njr <- lapply(seq_len(k), function(i) {
  same <- implants$group == implants$group[i]
  r2 <- sum(implants$revisions[same]) - implants$revisions[i]
  py2 <- sum(implants$person_years[same]) - implants$person_years[i]
  t <- poisson.test(c(implants$revisions[i], r2), c(implants$person_years[i], py2))
  ratio <- unname(t$estimate)
  level <- if (r2 == 0 || t$conf.int[1] <= 1) "none" else if (implants$primaries[i] >= 100) {
    if (ratio >= 2) "level-1" else if (ratio >= 1.5) "level-2" else "none"
  } else if (ratio >= 2) "level-2" else "none"
  obj(ratio = num(ratio), lower = num(t$conf.int[1]), upper = num(t$conf.int[2]),
      p_value = num(t$p.value), level = q(level))
})
aoa <- lapply(seq_len(k), function(i) {
  g <- implants$group == implants$group[i]
  share <- implants$primaries / sum(implants$primaries[g])
  keep <- g & share <= 0.25
  group_rate <- 100 * sum(implants$revisions[keep]) / sum(implants$person_years[keep])
  rate <- 100 * implants$revisions[i] / implants$person_years[i]
  e <- group_rate / 100 * implants$person_years[i]
  pv <- ppois(implants$revisions[i] - 1, e, lower.tail = FALSE)
  counts <- implants$primaries[i] >= 10 ||
    (implants$revisions[i] >= 2 && implants$revisions[i] >= 0.75 * implants$primaries[i])
  obj(group_rate = num(group_rate), expected = num(e), p_value = num(pv),
      flagged = q(tolower(rate > 2 * group_rate && pv < 0.05 && counts)))
})
write_fixture("surveillance_outliers.json", obj(
  source = source_line("poisson.test (NJR, class excluding the implant), ppois (AOANJRR)"),
  group = num(implants$group), primaries = num(implants$primaries),
  revisions = num(implants$revisions), person_years = num(implants$person_years),
  njr = arr(njr), aoanjrr = arr(aoa)))

# --- ODEP-style benchmark: 1 - lower log-log limit of S(T), at risk beyond T -----------------
set.seed(15)
n <- 800
years <- pmin(rexp(n, 0.08), runif(n, 0, 16))
revised <- as.integer(rexp(n, 0.006) < years)
years <- ifelse(revised == 1, pmin(years, rexp(n, 0.006)), years)
fit <- survfit(Surv(years, revised) ~ 1, conf.type = "log-log")
bench_years <- c(3, 5, 7, 10, 13)
s <- summary(fit, times = bench_years)
write_fixture("surveillance_benchmark.json", obj(
  source = source_line("survfit conf.type = log-log; at risk = sum(years > T)"),
  time = num(years), status = num(revised), years = num(bench_years),
  revision = num(1 - s$surv), upper_revision = num(1 - s$lower),
  at_risk = num(sapply(bench_years, function(t) sum(years > t)))))
