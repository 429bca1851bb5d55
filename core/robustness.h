// What a trial's robustness check asks (key `robustness`): which test-time perturbations of the
// images, at which levels. The perturbations themselves work on tensors in
// worker/tensors/perturb.h; this is their vocabulary, shared with the key schema and the
// results file, without LibTorch.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sweep {

enum class Perturbation { kBrightness, kContrast, kNoise, kBlur, kRotation };

// Every perturbation, in the order they are listed and reported.
const std::vector<Perturbation>& all_perturbations();
// Its name ("brightness", "contrast", "noise", "blur", "rotation").
std::string perturbation_name(Perturbation p);
// The perturbation named `name`, or nullopt for an unknown name.
std::optional<Perturbation> parse_perturbation(const std::string& name);
// The levels it is evaluated at unless the key names others: brightness and contrast factors
// 0.2 0.4 0.6 0.8 1.0 1.2 1.5; noise standard deviations 0.02 0.05 0.1 0.2 (0-1 scale); blur
// sigmas 0.5 1 2 pixels; rotations 5 15 30 degrees.
const std::vector<double>& perturbation_levels(Perturbation p);
// The levels a grid may ask, as text: "0 to 10" (brightness, contrast), "0 to 1" (noise),
// "above 0, up to 10" (blur), "0 to 360" (rotation).
std::string level_range_text(Perturbation p);
// Whether `level` is in p's range (level_range_text).
bool level_in_range(Perturbation p, double level);

// One perturbation and the levels it is evaluated at, in the order asked.
struct RobustnessCheck {
  Perturbation kind = Perturbation::kBrightness;
  std::vector<double> levels;
  bool operator==(const RobustnessCheck& o) const { return kind == o.kind && levels == o.levels; }
};

// Reads the value of key `robustness`: `none`, or perturbations separated by commas or spaces,
// each its name alone (its default levels) or `name:level/level/...`, e.g.
// "brightness, noise:0.05/0.1". Names are case-insensitive; a name may appear once. Throws
// std::invalid_argument saying what is wrong (an unknown name, a level that is not a number or
// out of its range, a repeated name, `none` with others, nothing at all).
std::vector<RobustnessCheck> parse_robustness(const std::string& value);

// The canonical text of `checks` (what parse_robustness reads back to them): names lower-case
// in the order given, levels only where they differ from the defaults, numbers in their
// shortest exact text, items separated by ", "; "none" when empty.
std::string robustness_text(const std::vector<RobustnessCheck>& checks);

}  // namespace sweep
