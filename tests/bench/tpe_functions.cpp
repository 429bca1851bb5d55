// The median regret of sweep's TPE and of random search on Branin, Hartmann-6 and the mixed
// space (tests/sweep/search/tpe_functions.h) over SEEDS seeds after 60 and 120 evaluations,
// sequentially (one worker, as Optuna's study.optimize without n_jobs) and with WORKERS
// asynchronous workers; and sequentially with the components divided by their bandwidth
// (sweep-tpe-divided: TpeSettings::divide_by_bandwidth, as Optuna 3.5 and later). Prints one CSV
// line per function and method; run by tests/bench/tpe_functions.sh beside
// tests/bench/tpe_functions.py (Optuna 3.1).
//   sweep_tpe_functions [SEEDS=20] [WORKERS=2]
#include "tests/sweep/search/tpe_functions.h"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  using namespace sweep::testing;
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 20;
  const int workers = argc > 2 ? std::atoi(argv[2]) : 2;
  std::printf("function,method,workers,median_regret_60,median_regret_120\n");
  for (const TestFunction& fn : {branin(), hartmann6(), mixed()}) {
    for (const auto& [method, model, w, divided] :
         {std::tuple{"sweep-tpe", true, 1, false}, std::tuple{"sweep-tpe", true, workers, false},
          std::tuple{"sweep-tpe-divided", true, 1, true},
          std::tuple{"sweep-random", false, 1, false}}) {
      std::vector<double> at60, at120;
      sweep::TpeSettings settings;
      settings.divide_by_bandwidth = divided;
      for (int s = 0; s < seeds; ++s) {
        const auto r = simulate(fn, 120, static_cast<std::size_t>(w), static_cast<std::uint64_t>(s),
                                model, settings);
        at60.push_back(r[59]);
        at120.push_back(r[119]);
      }
      std::printf("%s,%s,%d,%.4g,%.4g\n", fn.name.c_str(), method, w, median(at60), median(at120));
    }
  }
  return 0;
}
