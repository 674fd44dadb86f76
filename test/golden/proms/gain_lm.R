# Writes the PROMs case-mix fixture checked by orp_proms_test (GainAgainstR.*):
#   gain_input.csv     synthetic pre/post Oxford-style scores (0-48) for 600 patients at 4
#                      providers, provider P3's patients sicker at baseline and P4's better
#                      after surgery than case mix predicts;
#   gain_expected.csv  R lm(post ~ pre + age + sex + factor(asa)) coefficients, standard errors
#                      and residual SE, and per provider the observed and case-mix adjusted
#                      mean health gain (national mean gain + mean observed post - mean
#                      predicted post; DH 2012, statistics.md section 12).
# Run from this directory: Rscript gain_lm.R   (R 4.x, base stats only)
set.seed(20261126)
n <- 600
provider <- sample(c("P1", "P2", "P3", "P4"), n, replace = TRUE)
age <- round(runif(n, 45, 90))
sex <- sample(c("M", "F"), n, replace = TRUE)
asa <- sample(1:3, n, replace = TRUE, prob = c(0.3, 0.5, 0.2))
pre <- pmin(48, pmax(0, round(rnorm(n, 18, 7) - ifelse(provider == "P3", 5, 0))))
post <- 20 + 0.45 * pre - 0.08 * age - 1.2 * (sex == "F") - 2 * (asa - 1) +
  ifelse(provider == "P4", 3, 0) + rnorm(n, 0, 6)
post <- pmin(48, pmax(0, round(post)))
d <- data.frame(provider, age, sex, asa, pre, post)
write.csv(d, "gain_input.csv", row.names = FALSE, quote = FALSE)

d$sex <- factor(d$sex, levels = c("F", "M"))
fit <- lm(post ~ pre + age + sex + factor(asa), data = d)
s <- summary(fit)
co <- s$coefficients
out <- data.frame(kind = "coefficient", name = rownames(co), estimate = co[, 1],
                  std_error = co[, 2])
out <- rbind(out, data.frame(kind = "sigma", name = "residual", estimate = s$sigma,
                             std_error = NA))
national_gain <- mean(d$post - d$pre)
d$predicted <- fitted(fit)
for (p in sort(unique(d$provider))) {
  g <- d[d$provider == p, ]
  observed <- mean(g$post - g$pre)
  adjusted <- national_gain + mean(g$post) - mean(g$predicted)
  out <- rbind(out, data.frame(kind = "observed_gain", name = p, estimate = observed,
                               std_error = NA))
  out <- rbind(out, data.frame(kind = "adjusted_gain", name = p, estimate = adjusted,
                               std_error = NA))
}
out$estimate <- formatC(out$estimate, digits = 15, format = "g")
out$std_error <- ifelse(is.na(out$std_error), "", formatC(out$std_error, digits = 15,
                                                          format = "g"))
write.csv(out, "gain_expected.csv", row.names = FALSE, quote = FALSE)
cat("R", R.version.string, "\n")
