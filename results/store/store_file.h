// What a Store holds open, shared by the files of the store room (store.cpp writes,
// store_read.cpp reads); no other room includes it.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "results/h5/file_access.h"
#include "results/h5/table.h"
#include "results/store/store.h"
#include "results/store/texts.h"

namespace sweep::results {

inline constexpr std::size_t kReadBlockRows = 4096;  // trial rows read at a time

struct Store::File {
  WriterLock lock;  // declared first: released after the file is closed
  Handle h;
  std::size_t trial_rows = 0;  // rows in `trials` (the writer's count)
  bool recovered = false;      // opened after its last writer was killed
  bool text_refs = false;      // format version 2 (see has_text_refs)
  // The tables, opened by the first append (declared last: closed before the file).
  std::optional<TextInterner> interner;
  std::optional<TableAppender> trials, epochs, confusion, per_class, mistakes, robustness,
      activations, calibration, texts;
  hid_t get() const { return h.get(); }
};

// True when the trials table of `f` names its texts by number (format version 2).
bool has_text_refs(hid_t f);

// The layout the trials table of `f` is read in with conversion, its texts bound.
RowLayout converting_trials_layout(hid_t f);

// Whether the trials table of `f` has a column: which metrics an earlier version's file
// lacks (they read as NaN, not 0).
std::function<bool(const std::string&)> trials_column_test(hid_t f);

}  // namespace sweep::results
