// Rng: the synthetic registry's pseudo-random source, specified here so that the same seed
// gives the same files on every machine, compiler and library version. Callers make at most one
// draw in an expression whose evaluation order the language leaves open (a function's
// arguments: g++ evaluates them right to left, clang left to right); braced initialisers are
// evaluated in order.
//
// The generator is xoshiro256** (Blackman and Vigna, 2018) seeded through splitmix64; all
// sampling (uniform, normal, exponential, Weibull, categorical) is written here rather than
// taken from <random>, whose distributions may change between standard library releases.
// Doubles come from the top 53 bits. Normal deviates use the Box–Muller transform (both
// halves; the spare is cached). log, sin, cos and pow are the C library's: glibc keeps them
// within an ulp, and the synth rounds every drawn quantity to days, years or tenths before
// writing it, so byte-identical output does not hang on the last bit.
//
// Thread safety: an Rng is a plain value; do not share one between threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace orp::synth {

// splitmix64: one step of Steele, Lea and Flood's generator; also a good 64-bit mixer.
uint64_t SplitMix64(uint64_t& state);

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t Next();   // 64 uniformly random bits
  double Uniform();  // [0, 1)
  double Uniform(double lo, double hi);
  // An integer in [0, n); n > 0. Modulo with rejection (unbiased).
  uint64_t Below(uint64_t n);
  int Between(int lo, int hi);  // an integer in [lo, hi], inclusive
  bool Bernoulli(double p);
  double Normal(double mean, double sd);
  double Exponential(double rate);
  // Weibull with shape k and scale lambda: lambda * (-log(1 - U))^(1/k).
  double Weibull(double shape, double scale);
  // Index i with probability weights[i] / sum(weights); weights non-negative, sum > 0.
  size_t Choose(std::span<const double> weights);

 private:
  uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_ = false;
};

// A categorical distribution sampled by binary search over cumulative weights, for the hot
// loop (sites, clinicians, models): O(log n) per draw, built once.
class Categorical {
 public:
  Categorical() = default;
  explicit Categorical(std::span<const double> weights);
  size_t Sample(Rng& rng) const;
  bool empty() const { return cumulative_.empty(); }
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

}  // namespace orp::synth
