#include "results/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>

#include "core/class_metrics.h"
#include "core/keys.h"
#include "results/attributes.h"
#include "results/detail_rows.h"
#include "results/file_access.h"
#include "results/store_mistakes.h"
#include "results/store_recovery.h"
#include "results/store_schema.h"
#include "results/text_table.h"

namespace sweep::results {
namespace {

constexpr const char* kFormat = "sweep-results";
// 2: the trials table's text columns are numbers into the texts table (results/text_table.h);
// files of version 1 keep their texts in the rows, are read as before, and stay version 1
// when a sweep appends to them.
constexpr int kFormatVersion = 2;

// Rows per chunk. HDF5's chunk index keeps each of its blocks under the 4 KiB file space page
// (the kill -9 protection of create_file) up to 8,180 chunks a table: with these, 1,047,040
// trials (392 KB chunks), 8.4 million epoch rows, 16.8 million per-class rows (10 a trial of
// 10 classes) and 33.5 million confusion cells and mistakes (32 a trial by default): a
// million trials of 10 classes and 3 epochs. Files written before keep their chunks (64 trial
// rows, 1,024 per-class and mistake rows).
constexpr std::size_t kTrialsChunkRows = 128;
constexpr std::size_t kDetailChunkRows = 1024;
constexpr std::size_t kPerClassChunkRows = 2048;
constexpr std::size_t kConfusionChunkRows = 4096;
constexpr std::size_t kReadBlockRows = 4096;  // trial rows read at a time

// The cells among the first `cells` of a confusion matrix that are not zero.
std::size_t nonzero_cells(const std::vector<std::int64_t>& confusion, std::size_t cells) {
  return static_cast<std::size_t>(
      std::count_if(confusion.begin(), confusion.begin() + static_cast<std::ptrdiff_t>(cells),
                    [](std::int64_t c) { return c != 0; }));
}

// Throws StoreMissingError when `path` is missing, StoreFormatError when it is not an HDF5 file.
void check_exists(const std::string& path) {
  if (!file_exists(path)) throw StoreMissingError(path + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw StoreFormatError(path + ": not an HDF5 file");
}

// Throws StoreFormatError unless the open file `f` is a sweep results file this version reads.
void check_format(hid_t f, const std::string& path) {
  if (read_str_attr(f, "format") != kFormat) {
    throw StoreFormatError(path +
                           ": not a sweep results file (no format = sweep-results attribute)");
  }
  double v = read_num_attr(f, "format_version");
  if (v > kFormatVersion) {
    throw StoreFormatError(path + ": written by a newer sweep (format version " +
                           std::to_string(v) + ")");
  }
}

// True when the trials table of `f` names its texts by number (format version 2).
bool has_text_refs(hid_t f) { return has_table(f, kTextsTable); }

// The layout the trials table of `f` is read in with conversion, its texts bound.
RowLayout converting_trials_layout(hid_t f) {
  if (!has_text_refs(f)) return legacy_trials_layout();
  RowLayout l = trials_layout();
  l.bind_texts(read_texts(f));
  return l;
}

// Whether the trials table of `f` has a column: which metrics an earlier version's file
// lacks (they read as NaN, not 0).
std::function<bool(const std::string&)> trials_column_test(hid_t f) {
  return [f](const std::string& column) { return has_column(f, "trials", column); };
}

}  // namespace

struct Store::File {
  WriterLock lock;  // declared first: released after the file is closed
  Handle h;
  std::size_t trial_rows = 0;  // rows in `trials` (the writer's count)
  bool recovered = false;      // opened after its last writer was killed
  bool text_refs = false;      // format version 2 (see has_text_refs)
  // The tables, opened by the first append (declared last: closed before the file).
  std::optional<TextInterner> interner;
  std::optional<TableAppender> trials, epochs, confusion, per_class, mistakes, texts;
  hid_t get() const { return h.get(); }
};

Store::Store(std::string path, std::unique_ptr<File> file)
    : path_(std::move(path)), file_(std::move(file)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

namespace {
std::unique_ptr<Store::File> wrap(WriterLock lock, Handle h) {
  auto file = std::make_unique<Store::File>();
  file->lock = std::move(lock);
  file->h = std::move(h);
  file->trial_rows = row_count(file->get(), "trials");
  file->text_refs = has_text_refs(file->get());
  return file;
}
}  // namespace

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string StoredTrial::param(const std::string& key) const {
  for (const auto& kv : params) {
    if (kv.first == key) return kv.second;
  }
  return "";
}

Store Store::create(const std::string& path, const StoreInfo& info) {
  silence_hdf5_errors();
  if (file_exists(path)) throw StoreError(path + ": already exists");
  // Built under a temporary name and published whole, so that `path` never names a file
  // half set up, whenever the process is killed (a kill leaves at most the .part file).
  const std::string part = path + ".part-" + std::to_string(::getpid());
  {
    Handle f = create_file(part);
    write_attr(f.get(), "format", std::string(kFormat));
    write_attr(f.get(), "format_version", static_cast<double>(kFormatVersion));
    write_attr(f.get(), "grid_path", info.grid_path);
    write_attr(f.get(), "grid_text", info.grid_text);
    write_attr(f.get(), "command_line", info.command_line);
    write_attr(f.get(), "program_version", info.program_version);
    write_attr(f.get(), "dataset", info.dataset);
    write_attr(f.get(), "shard", info.shard);
    write_attr(f.get(), "parameters", info.parameters);
    if (!info.merged_from.empty()) write_attr(f.get(), "merged_from", info.merged_from);
    write_attr(f.get(), "created_unix", info.created_unix);
    create_table(f.get(), "trials", trials_layout(), kTrialsChunkRows);
    create_texts_table(f.get());
    create_table(f.get(), "epochs", epochs_layout(), kDetailChunkRows);
    create_table(f.get(), "confusion", confusion_layout(), kConfusionChunkRows);
    create_table(f.get(), "per_class", per_class_layout(), kPerClassChunkRows);
    create_table(f.get(), "mistakes", mistakes_layout(), kConfusionChunkRows);
  }
  publish_file(part, path);
  return open_append(path);
}

Store Store::open_append(const std::string& path) {
  silence_hdf5_errors();
  check_exists(path);
  check_format(open_file_for_read(path).get(), path);  // before anything may write to it
  WriterLock lock = WriterLock::acquire(path);
  bool recovered = false;
  Handle f = open_file_for_append(path, &recovered);
  drop_unfinished_appends(f.get());
  if (!has_table(f.get(), "per_class"))
    create_table(f.get(), "per_class", per_class_layout(), kPerClassChunkRows);
  if (!has_table(f.get(), "mistakes"))
    create_table(f.get(), "mistakes", mistakes_layout(), kConfusionChunkRows);
  check(H5Fflush(f.get(), H5F_SCOPE_GLOBAL), path + ": flush");
  Store store(path, wrap(std::move(lock), std::move(f)));
  store.file_->recovered = recovered;
  return store;
}

Store Store::open_read(const std::string& path) {
  silence_hdf5_errors();
  check_exists(path);
  Handle f = open_file_for_read(path);
  check_format(f.get(), path);
  return Store(path, wrap(WriterLock(), std::move(f)));
}

void Store::append(const TrialSpec& spec, const TrialResult& r) { append({Item{&spec, &r}}); }

void Store::append(const std::vector<Item>& items) {
  if (items.empty()) return;
  const RowLayout& tl = file_->text_refs ? trials_layout() : legacy_trials_layout();
  if (!file_->trials) {
    if (file_->text_refs) {
      file_->interner.emplace(file_->get());
      file_->texts.emplace(file_->get(), kTextsTable, texts_layout());
    }
    file_->trials.emplace(file_->get(), "trials", tl);
    file_->epochs.emplace(file_->get(), "epochs", epochs_layout());
    file_->confusion.emplace(file_->get(), "confusion", confusion_layout());
    file_->per_class.emplace(file_->get(), "per_class", per_class_layout());
    file_->mistakes.emplace(file_->get(), "mistakes", mistakes_layout());
  }
  const RowLayout& el = epochs_layout();
  const RowLayout& cl = confusion_layout();
  const RowLayout& pl = per_class_layout();
  std::vector<char> trows, erows, crows, prows, mrows;
  std::size_t ne = 0, nc = 0, np = 0, nm = 0;
  for (std::size_t t = 0; t < items.size(); ++t) {
    const TrialResult& r = *items[t].result;
    const auto row_index = static_cast<std::int64_t>(file_->trial_rows + t);
    trows.resize(trows.size() + tl.row_size(), 0);
    fill_trial_row(tl, trows.data() + t * tl.row_size(), *items[t].spec, r,
                   file_->interner ? &*file_->interner : nullptr);
    erows.resize(erows.size() + el.row_size() * r.epochs.size(), 0);
    for (const EpochMetrics& m : r.epochs) {
      char* p = erows.data() + ne++ * el.row_size();
      el.set_u64(p, 0, r.trial_id);
      el.set_i64(p, 1, m.epoch);
      el.set_f64(p, 2, m.train_loss);
      el.set_f64(p, 3, m.train_acc);
      el.set_f64(p, 4, m.val_loss);
      el.set_f64(p, 5, m.val_acc);
      el.set_f64(p, 6, m.seconds);
      el.set_i64(p, 7, row_index);
    }
    const std::size_t k = static_cast<std::size_t>(r.num_classes);
    const std::size_t cells = r.confusion.size() == k * k ? k * k : 0;
    // Only the cells that are not zero (a reader starts from zeros): most of a good model's
    // matrix is, and the confusion rows were half of a results file's bytes.
    crows.resize(crows.size() + cl.row_size() * nonzero_cells(r.confusion, cells), 0);
    for (std::size_t i = 0; i < cells; ++i) {
      if (r.confusion[i] == 0) continue;
      char* p = crows.data() + nc++ * cl.row_size();
      cl.set_u64(p, 0, r.trial_id);
      cl.set_str(p, 1, r.eval_split);
      cl.set_i64(p, 2, static_cast<std::int64_t>(i / k));
      cl.set_i64(p, 3, static_cast<std::int64_t>(i % k));
      cl.set_i64(p, 4, r.confusion[i]);
      cl.set_i64(p, 5, row_index);
    }
    const std::vector<ClassMetrics> classes =
        cells > 0 ? per_class(r.confusion, static_cast<std::int64_t>(k))
                  : std::vector<ClassMetrics>{};
    prows.resize(prows.size() + pl.row_size() * classes.size(), 0);
    for (std::size_t c = 0; c < classes.size(); ++c) {
      char* p = prows.data() + np++ * pl.row_size();
      pl.set_u64(p, 0, r.trial_id);
      pl.set_str(p, 1, r.eval_split);
      pl.set_i64(p, 2, static_cast<std::int64_t>(c));
      pl.set_f64(p, 3, classes[c].precision);
      pl.set_f64(p, 4, classes[c].recall);
      pl.set_f64(p, 5, classes[c].f1);
      pl.set_i64(p, 6, classes[c].support);
      pl.set_i64(p, 7, row_index);
    }
    add_mistake_rows(r, row_index, mrows, nm);
  }
  // Texts and detail rows first, the trial rows last: a trial row present means its texts and
  // details are too.
  if (file_->interner) file_->interner->write_pending(*file_->texts);
  file_->epochs->append(erows.data(), ne);
  file_->confusion->append(crows.data(), nc);
  file_->per_class->append(prows.data(), np);
  file_->mistakes->append(mrows.data(), nm);
  file_->trials->append(trows.data(), items.size());
  check(H5Fflush(file_->get(), H5F_SCOPE_GLOBAL), path_ + ": flush");
  file_->trial_rows += items.size();
}

bool Store::recovered() const { return file_->recovered; }

std::vector<StoredTrial> Store::read_trials(Details details) const {
  const RowLayout tl = converting_trials_layout(file_->get());  // texts before the rows
  const TrialRowReader reader(tl, trials_column_test(file_->get()));
  const std::size_t n = row_count(file_->get(), "trials");
  std::vector<StoredTrial> out(n);
  std::vector<bool> unwritten(n, false);  // rows an interrupted append left without data
  // Details name their trial row; files of sweep 0.1.0 only name the trial id.
  std::map<std::uint64_t, std::size_t> by_id;
  // In blocks: the packed rows of a large file are never all in memory at once.
  for (std::size_t first = 0; first < n; first += kReadBlockRows) {
    std::size_t got = 0;
    const std::vector<char> rows =
        read_row_range(file_->get(), "trials", tl, first, kReadBlockRows, &got);
    for (std::size_t j = 0; j < got; ++j) {
      const std::size_t i = first + j;
      TrialResult& r = out[i].result;
      unwritten[i] = !reader.read(rows.data() + j * tl.row_size(), out[i]);
      if (details == Details::kAll) {
        r.confusion.assign(static_cast<std::size_t>(std::max(0, r.num_classes * r.num_classes)), 0);
        by_id[r.trial_id] = i;
      }
    }
  }
  auto written = [&] {
    std::vector<StoredTrial> kept;
    for (std::size_t i = 0; i < n; ++i) {
      if (!unwritten[i]) kept.push_back(std::move(out[i]));
    }
    return kept;
  };
  if (details == Details::kNone) return written();
  // The trial row that detail row `p` of `layout` belongs to, or n when it has none.
  auto owner = [&](const RowLayout& layout, const char* p, bool by_row) -> std::size_t {
    if (by_row) {
      const std::int64_t r = layout.get_i64(p, layout.index_of("trial_row"));
      return r >= 0 && static_cast<std::size_t>(r) < n &&
                     out[r].result.trial_id == layout.get_u64(p, 0)
                 ? static_cast<std::size_t>(r)
                 : n;
    }
    auto it = by_id.find(layout.get_u64(p, 0));
    return it == by_id.end() ? n : it->second;
  };
  const RowLayout& el = epochs_layout();
  const bool epochs_by_row = has_column(file_->get(), "epochs", "trial_row");
  std::size_t ne = 0;
  std::vector<char> erows = read_rows(file_->get(), "epochs", el, &ne);
  for (std::size_t i = 0; i < ne; ++i) {
    const char* p = erows.data() + i * el.row_size();
    const std::size_t owner_row = owner(el, p, epochs_by_row);
    if (owner_row == n) continue;  // details of a trial whose row was never written
    out[owner_row].result.epochs.push_back(epoch_of_row(el, p));
  }
  const RowLayout& cl = confusion_layout();
  const bool confusion_by_row = has_column(file_->get(), "confusion", "trial_row");
  std::size_t nc = 0;
  std::vector<char> crows = read_rows(file_->get(), "confusion", cl, &nc);
  for (std::size_t i = 0; i < nc; ++i) {
    const char* p = crows.data() + i * cl.row_size();
    const std::size_t owner_row = owner(cl, p, confusion_by_row);
    if (owner_row == n) continue;
    set_confusion_cell(cl, p, out[owner_row].result);
  }
  read_mistake_rows(file_->get(), out);
  return written();
}

const char* Store::TrialBlock::row(std::size_t j) const { return rows + j * layout->row_size(); }

void Store::scan_trials(const std::function<void(const TrialBlock&)>& visit) const {
  // The texts are read before the rows: every row read then finds its texts.
  std::optional<RowLayout> native = native_layout(file_->get(), "trials");
  if (native && file_->text_refs) native->bind_texts(read_texts(file_->get()));
  const RowLayout layout = native ? *native : converting_trials_layout(file_->get());
  const TrialRowReader reader(layout, trials_column_test(file_->get()));
  const std::size_t n = row_count(file_->get(), "trials");
  std::vector<char> rows;  // one block, reused
  for (std::size_t first = 0; first < n; first += kReadBlockRows) {
    std::size_t got = 0;
    if (native) {
      read_native_row_range(file_->get(), "trials", layout, first, kReadBlockRows, rows, &got);
    } else {
      rows = read_row_range(file_->get(), "trials", layout, first, kReadBlockRows, &got);
    }
    if (got == 0) break;
    visit(TrialBlock{&layout, &reader, rows.data(), got, first, n});
  }
}

std::vector<StoredTrial> Store::read_trial_rows(const std::vector<std::size_t>& rows) const {
  std::vector<std::size_t> sorted = rows;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  const RowLayout tl = converting_trials_layout(file_->get());
  const TrialRowReader reader(tl, trials_column_test(file_->get()));
  const std::size_t n = row_count(file_->get(), "trials");
  std::vector<StoredTrial> got_rows(sorted.size());  // by position in `sorted`
  // In runs: one read for the wanted rows within a block of kReadBlockRows from the first.
  for (std::size_t i = 0; i < sorted.size() && sorted[i] < n;) {
    const std::size_t first = sorted[i];
    std::size_t last = i;
    while (last + 1 < sorted.size() && sorted[last + 1] < first + kReadBlockRows) ++last;
    std::size_t got = 0;
    const std::vector<char> block =
        read_row_range(file_->get(), "trials", tl, first, sorted[last] - first + 1, &got);
    for (; i <= last && sorted[i] - first < got; ++i) {
      StoredTrial t;
      if (reader.read(block.data() + (sorted[i] - first) * tl.row_size(), t)) {
        got_rows[i] = std::move(t);
      }
    }
    i = last + 1;
  }
  std::vector<StoredTrial> out;
  out.reserve(rows.size());
  auto position = [&](std::size_t r) {
    return static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), r) -
                                    sorted.begin());
  };
  std::vector<std::size_t> uses(sorted.size(), 0);
  for (std::size_t r : rows) ++uses[position(r)];
  for (std::size_t r : rows) {
    const std::size_t at = position(r);
    // A row's last use (its only one, usually) takes it; earlier ones copy it.
    out.push_back(--uses[at] == 0 ? std::move(got_rows[at]) : got_rows[at]);
  }
  return out;
}

bool Store::details_by_row() const {
  for (const char* table : {"epochs", "confusion", "mistakes"}) {
    if (has_table(file_->get(), table) && !has_column(file_->get(), table, "trial_row")) {
      return false;
    }
  }
  return true;
}

void Store::read_whole_rows(const std::vector<std::size_t>& rows, std::size_t batch,
                            const std::function<void(std::vector<StoredTrial>&)>& visit) const {
  const hid_t f = file_->get();
  if (!details_by_row()) {
    throw StoreError(path_ + ": its details name no trial rows (a file of sweep 0.1)");
  }
  DetailCursor epochs(f, "epochs", epochs_layout());
  DetailCursor confusion(f, "confusion", confusion_layout());
  DetailCursor mistakes(f, "mistakes", mistakes_layout());
  std::vector<std::size_t> slice;
  for (std::size_t first = 0; first < rows.size(); first += std::max<std::size_t>(1, batch)) {
    slice.assign(rows.begin() + static_cast<std::ptrdiff_t>(first),
                 rows.begin() + static_cast<std::ptrdiff_t>(std::min(
                                    rows.size(), first + std::max<std::size_t>(1, batch))));
    std::vector<StoredTrial> got = read_trial_rows(slice);
    for (std::size_t i = 0; i < got.size(); ++i) {
      TrialResult& r = got[i].result;
      if (r.trial_id == 0) continue;  // past the end, or left unwritten
      r.confusion.assign(static_cast<std::size_t>(std::max(0, r.num_classes * r.num_classes)), 0);
      epochs.rows_of(slice[i], r.trial_id,
                     [&](const char* p) { r.epochs.push_back(epoch_of_row(epochs_layout(), p)); });
      confusion.rows_of(slice[i], r.trial_id,
                        [&](const char* p) { set_confusion_cell(confusion_layout(), p, r); });
      mistakes.rows_of(slice[i], r.trial_id, [&](const char* p) {
        r.mistakes.push_back(mistake_of_row(mistakes_layout(), p));
      });
    }
    visit(got);
  }
}

std::vector<std::pair<std::uint64_t, Status>> Store::stored_status() const {
  std::vector<std::pair<std::uint64_t, Status>> rows;
  rows.reserve(row_count(file_->get(), "trials"));
  scan_trials([&](const TrialBlock& b) {
    const RowLayout& l = *b.layout;
    const int id_col = l.index_of("trial_id"), status_col = l.index_of("status");
    if (id_col < 0 || status_col < 0) throw StoreError(path_ + ": the trials table has no ids");
    for (std::size_t j = 0; j < b.count; ++j) {
      const std::string name = l.get_text(b.row(j), status_col);
      if (name.empty()) continue;  // left unwritten by an interrupted append
      Status s = Status::kFailed;
      try {
        s = status_from_name(name);
      } catch (const std::invalid_argument&) {
      }
      rows.emplace_back(l.get_u64(b.row(j), id_col), s);
    }
  });
  // By id, the preferred status first: the first row of each id is its best.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first
                              : status_preference(a.second) < status_preference(b.second);
  });
  rows.erase(std::unique(rows.begin(), rows.end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; }),
             rows.end());
  return rows;
}

int status_preference(Status s) {
  switch (s) {
    case Status::kOk:
      return 0;
    case Status::kPruned:
      return 1;
    case Status::kDiverged:
      return 2;
    case Status::kFailed:
      return 3;
    case Status::kAbandoned:
      return 4;
  }
  return 4;
}

std::vector<StoredTrial> best_per_trial(std::vector<StoredTrial> trials) {
  std::vector<StoredTrial> out;
  std::map<std::uint64_t, std::size_t> at;
  for (auto& t : trials) {
    auto it = at.find(t.result.trial_id);
    if (it == at.end()) {
      at.emplace(t.result.trial_id, out.size());
      out.push_back(std::move(t));
    } else if (status_preference(t.result.status) <=
               status_preference(out[it->second].result.status)) {
      out[it->second] = std::move(t);
    }
  }
  return out;
}

StoreInfo Store::info() const {
  StoreInfo i;
  i.grid_path = read_str_attr(file_->get(), "grid_path");
  i.grid_text = read_str_attr(file_->get(), "grid_text");
  i.command_line = read_str_attr(file_->get(), "command_line");
  i.program_version = read_str_attr(file_->get(), "program_version");
  i.dataset = read_str_attr(file_->get(), "dataset");
  i.shard = read_str_attr(file_->get(), "shard");
  i.merged_from = read_str_attr(file_->get(), "merged_from");
  i.parameters = read_str_attr(file_->get(), "parameters");
  i.created_unix = read_num_attr(file_->get(), "created_unix");
  return i;
}

}  // namespace sweep::results
