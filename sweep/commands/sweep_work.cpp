#include "sweep/commands/sweep_work.h"

#include "core/state_file.h"

namespace sweep {

SweepWork::SweepWork(const Prepared& p, bool retry_failed)
    : rule_({p.plan->grid.search.stopping_warmup, p.plan->grid.search.stopping_min_trials}) {
  const SearchSettings& search = p.plan->grid.search;
  WorkSource* inner = nullptr;
  switch (p.kind) {
    case SearchKind::kList:
      list_.emplace(p.plan->trials, p.order);
      inner = &*list_;
      total_ = p.order.size();
      break;
    case SearchKind::kAsha:
    case SearchKind::kTpeHalving: {
      if (p.kind == SearchKind::kTpeHalving) {
        config_grid_.emplace(halving_configs(p.plan->grid));
        asha_.emplace(*config_grid_, search, state_dir_of(p.target.out));
      } else {
        asha_.emplace(p.plan->trials, search, state_dir_of(p.target.out));
      }
      for (const auto& t : p.stored) restored_ += asha_->restore(t.result, retry_failed, t.params);
      const std::size_t expected = asha_->expected_jobs();
      total_ = expected > restored_ ? expected - restored_ : 1;
      inner = &*asha_;
      break;
    }
    case SearchKind::kTpe:
      tpe_.emplace(p.plan->grid);
      for (const auto& t : p.stored) tpe_->restore(t.params, t.result, retry_failed);
      restored_ = tpe_->trials();
      total_ = (search.samples > restored_ ? search.samples - restored_ : 0) +
               (retry_failed ? tpe_->retries() : 0);
      for (const auto& [id, h] : p.saved) tpe_->continue_saved(id, parse_params(h.params));
      inner = &*tpe_;
      break;
  }
  states_.emplace(*inner, state_dir_of(p.target.out));
  inner = &*states_;
  if (p.keep) {
    checkpointing_.emplace(*inner, checkpoint_dir_of(p.target.out));
    inner = &*checkpointing_;
  }
  for (const auto& t : p.stored) rule_.add(t.result);
  if (search.median_stopping) {
    stopping_.emplace(*inner, rule_);
    inner = &*stopping_;
  }
  source_ = inner;
}

bool SweepWork::all_done(std::size_t done) const {
  return asha_ ? asha_->exhausted() : done >= total_;
}

}  // namespace sweep
