#include "orp/synth/random.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "orp/core/check.h"

namespace orp::synth {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& s : s_) s = SplitMix64(state);
}

namespace {
inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Rng::Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

uint64_t Rng::Below(uint64_t n) {
  ORP_CHECK(n > 0);
  // Reject the top partial block of 2^64 so that the remainder is unbiased.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t r = Next();
  while (r >= limit) r = Next();
  return r % n;
}

int Rng::Between(int lo, int hi) {
  return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

bool Rng::Bernoulli(double p) { return Uniform() < p; }

double Rng::Normal(double mean, double sd) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + sd * spare_normal_;
  }
  // 1 - U lies in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - Uniform()));
  const double angle = 2.0 * std::numbers::pi * Uniform();
  spare_normal_ = radius * std::sin(angle);
  has_spare_ = true;
  return mean + sd * radius * std::cos(angle);
}

double Rng::Exponential(double rate) { return -std::log(1.0 - Uniform()) / rate; }

double Rng::Weibull(double shape, double scale) {
  return scale * std::pow(-std::log(1.0 - Uniform()), 1.0 / shape);
}

size_t Rng::Choose(std::span<const double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  ORP_CHECK(total > 0);
  double target = Uniform() * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (target < weights[i]) return i;
    target -= weights[i];
  }
  // Rounding can leave target just above the last weight: take the last non-zero one.
  for (size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return 0;
}

Categorical::Categorical(std::span<const double> weights) {
  cumulative_.reserve(weights.size());
  double total = 0;
  for (double w : weights) {
    total += w;
    cumulative_.push_back(total);
  }
  ORP_CHECK(weights.empty() || total > 0);
}

size_t Categorical::Sample(Rng& rng) const {
  ORP_CHECK(!cumulative_.empty());
  const double target = rng.Uniform() * cumulative_.back();
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
  size_t i = static_cast<size_t>(it - cumulative_.begin());
  return std::min(i, cumulative_.size() - 1);
}

}  // namespace orp::synth
