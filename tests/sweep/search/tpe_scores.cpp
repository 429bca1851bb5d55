// Prints sweep's TPE score, log l(v) - log g(v), of each candidate value of one parameter given a
// fixed history, one per line: the C++ side of tests/sweep/search/tpe_matches_optuna.py, which
// asks Optuna 3.1 the same question. Reads JSON from stdin:
//   {"param": {"kind": "float"|"int"|"categorical", "log": false, "low": 0, "high": 1,
//              "choices": 0},
//    "history": [{"x": 0.5 or null, "state": "complete"|"pruned"|"running", "loss": 0.1,
//                 "step": 3}, ...],
//    "candidates": [0.1, 0.2, ...]}
// Exit code 2 with a message on malformed input.
#include <cstdio>
#include <exception>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>

#include "sweep/search/tpe.h"

int main() {
  try {
    const nlohmann::json in = nlohmann::json::parse(std::cin);
    const auto& p = in.at("param");
    sweep::TpeParam param;
    const std::string kind = p.at("kind");
    param.kind = kind == "float" ? sweep::TpeParam::Kind::kFloat
                 : kind == "int" ? sweep::TpeParam::Kind::kInt
                                 : sweep::TpeParam::Kind::kCategorical;
    param.log = p.value("log", false);
    param.low = p.value("low", 0.0);
    param.high = p.value("high", 0.0);
    param.choices = p.value("choices", 0);
    std::vector<sweep::TpeObservation> history;
    for (const auto& h : in.at("history")) {
      sweep::TpeObservation o;
      o.x = {h.at("x").is_null() ? std::numeric_limits<double>::quiet_NaN()
                                 : h.at("x").get<double>()};
      const std::string state = h.at("state");
      o.state = state == "complete" ? sweep::TpeObservation::State::kComplete
                : state == "pruned" ? sweep::TpeObservation::State::kPruned
                                    : sweep::TpeObservation::State::kRunning;
      o.loss = h.value("loss", 0.0);
      o.step = h.value("step", 0);
      history.push_back(o);
    }
    sweep::TpeSettings settings;
    settings.startup_trials = 1;  // the comparison is about the model, not the start-up phase
    const sweep::TpeSampler sampler({param}, settings);
    for (const auto& c : in.at("candidates")) {
      std::printf("%.17g\n", sampler.score(0, c.get<double>(), history));
    }
  } catch (const std::exception& e) {
    std::cerr << "tpe_scores: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
