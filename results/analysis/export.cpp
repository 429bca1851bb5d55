#include "results/analysis/export.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "core/result_columns.h"
#include "core/trial_id.h"
#include "results/analysis/trial_digest.h"
#include "results/store/store_schema.h"

namespace sweep::results {
namespace {

using json = nlohmann::ordered_json;  // keeps the columns in their order

// One exported column: its name and its value in a trial, as JSON (numbers, text or null).
struct Field {
  std::string name;
  json value;
};

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

json param_value(const KeySpec& k, const std::string& text) {
  if (text.empty()) return nullptr;
  if (k.type == KeyType::kInt) return std::stoll(text);
  if (k.type == KeyType::kFloat) return std::stod(text);
  if (k.type == KeyType::kFloatList) {  // "0.485 0.456 0.406": an array of numbers
    json list = json::array();
    std::istringstream in(text);
    for (double v = 0; in >> v;) list.push_back(v);
    return list;
  }
  return text;
}

// The value of result column `c` (core/result_columns.h) in `r`, as exported: the trial id
// in hex, a NaN number as null.
json result_field(const ResultColumn& c, const TrialResult& r) {
  switch (c.type) {
    case ResultType::kTrialId:
      return trial_id_hex(r.trial_id);
    case ResultType::kReal:
      return number_or_null(r.*c.real);
    case ResultType::kInt:
      return r.*c.integer;
    default:
      return text_value(c, r);
  }
}

std::vector<Field> fields_of(const StoredTrial& t) {
  const TrialResult& r = t.result;
  std::vector<Field> f;
  for (const ResultColumn& c : kResultColumns) {
    if (c.before_keys) f.push_back({c.name, result_field(c, r)});
  }
  const auto& keys = known_keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i].column) continue;
    // Rows read from a file hold every key in the schema's order: no search by name.
    const bool in_order = i < t.params.size() && t.params[i].first == keys[i].name;
    f.push_back({keys[i].name,
                 param_value(keys[i], in_order ? t.params[i].second : t.param(keys[i].name))});
  }
  for (const ResultColumn& c : kResultColumns) {
    if (!c.before_keys) f.push_back({c.name, result_field(c, r)});
  }
  return f;
}

std::vector<Field> fields_of(const RobustnessPoint& x, const std::string& split) {
  return {{"split", split},
          {"perturbation", x.perturbation},
          {"level", number_or_null(x.level)},
          {"accuracy", number_or_null(x.accuracy)},
          {"macro_f1", number_or_null(x.macro_f1)}};
}

std::vector<Field> fields_of(const ActivationLayer& a, const std::string& split) {
  return {{"split", split},
          {"layer", a.layer},
          {"units", a.units},
          {"dead_fraction", number_or_null(a.dead_fraction)}};
}

std::vector<Field> fields_of(const CalibrationBin& b, const std::string& split) {
  return {{"split", split},
          {"bin", b.bin},
          {"rows", b.rows},
          {"mean_confidence", number_or_null(b.mean_confidence)},
          {"accuracy", number_or_null(b.accuracy)}};
}

std::vector<Field> fields_of(const EpochMetrics& m) {
  return {{"epoch", m.epoch},
          {"train_loss", number_or_null(m.train_loss)},
          {"train_acc", number_or_null(m.train_acc)},
          {"val_loss", number_or_null(m.val_loss)},
          {"val_acc", number_or_null(m.val_acc)},
          {"seconds", number_or_null(m.seconds)}};
}

// A CSV cell (RFC 4180): numbers in the shortest text that reads back exactly, null empty,
// lists of numbers separated by spaces, text quoted when it holds a comma, quote or line break.
std::string csv_cell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_number_float()) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v.get<double>());
    return std::string(buf, r.ptr);
  }
  if (v.is_number()) return v.dump();
  if (v.is_array()) {  // a list of numbers: as the grid file's canonical text, "0.5 0.25"
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + csv_cell(x);
    return s;
  }
  const std::string s = v.get<std::string>();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void csv_row(std::ostream& os, const std::vector<Field>& fields, bool header) {
  std::string line;  // written whole: one call into the stream a row
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += header ? fields[i].name : csv_cell(fields[i].value);
  }
  line += '\n';
  os.write(line.data(), static_cast<std::streamsize>(line.size()));
}

// Appends `text` to `line` as a CSV cell: quoted when it holds a comma, quote or line break.
void append_csv_text(std::string& line, const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    line += text;
    return;
  }
  line += '"';
  for (char c : text) line += c == '"' ? std::string("\"\"") : std::string(1, c);
  line += '"';
}

void append_double(std::string& line, double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  line.append(buf, r.ptr);
}

// CSV rows written straight from the trials table's rows, as csv_row(fields_of(t)) writes
// them from the StoredTrial of the row, without building it: the columns are looked up once
// per layout and each cell is formatted from the stored bytes.
class RawCsvRows {
 public:
  explicit RawCsvRows(const TrialRowReader& reader) : layout_(reader.layout()) {
    const auto& keys = known_keys();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (keys[k].column) key_cells_.emplace_back(&keys[k], reader.key_column(k));
    }
    for (const auto& c : kResultColumns) result_cols_.push_back(layout_.index_of(c.name));
  }

  // Appends the CSV row of `row` (ending in a line break) to `line`.
  void append(const char* row, std::string& line) const {
    bool first = true;
    auto results = [&](bool before_keys) {
      for (std::size_t i = 0; i < kResultColumnCount; ++i) {
        if (kResultColumns[i].before_keys != before_keys) continue;
        if (!first) line += ',';
        first = false;
        append_result(kResultColumns[i], result_cols_[i], row, line);
      }
    };
    results(true);
    for (const auto& [key, col] : key_cells_) {
      line += ',';
      if (col < 0) continue;  // no such column in this file: missing
      switch (key->type) {
        case KeyType::kInt:
          line += std::to_string(layout_.get_i64(row, col));
          break;
        case KeyType::kFloat:
          append_double(line, layout_.get_f64(row, col));
          break;
        case KeyType::kFloatList: {  // its numbers, each in the shortest exact text
          std::istringstream in(layout_.get_text(row, col));
          bool first_value = true;
          for (double v = 0; in >> v; first_value = false) {
            if (!first_value) line += ' ';
            append_double(line, v);
          }
          break;
        }
        default:
          append_csv_text(line, layout_.get_text(row, col));
      }
    }
    results(false);
    line += '\n';
  }

 private:
  // Appends the cell of result column `c`, at `col` of the layout (-1: the file lacks it).
  void append_result(const ResultColumn& c, int col, const char* row, std::string& line) const {
    switch (c.type) {
      case ResultType::kTrialId:
        line += trial_id_hex(col < 0 ? 0 : layout_.get_u64(row, col));
        break;
      case ResultType::kStatus: {
        Status status = Status::kFailed;
        try {
          status = status_from_name(text(row, col));
        } catch (const std::invalid_argument&) {
        }
        line += status_name(status);
        break;
      }
      case ResultType::kReal: {  // NaN, or a metric absent from the file: missing
        const double v = col >= 0 ? layout_.get_f64(row, col) : c.metric ? NAN : 0.0;
        if (!std::isnan(v)) append_double(line, v);
        break;
      }
      case ResultType::kInt:
        line += std::to_string(col < 0 ? 0 : static_cast<std::int32_t>(layout_.get_f64(row, col)));
        break;
      case ResultType::kLabel:
      case ResultType::kText:
        append_csv_text(line, text(row, col));
        break;
    }
  }

  std::string text(const char* row, int col) const {
    return col < 0 ? std::string() : layout_.get_text(row, col);
  }

  const RowLayout& layout_;
  std::vector<std::pair<const KeySpec*, int>> key_cells_;  // every key with a column
  std::vector<int> result_cols_;                           // per kResultColumns
};

// Writes trials one at a time: CSV rows, or the elements of one JSON array (as
// json::dump(1) of the whole array writes them).
class TrialWriter {
 public:
  TrialWriter(std::ostream& os, ExportFormat format, ExportRows rows)
      : os_(os), format_(format), rows_(rows) {
    if (format_ == ExportFormat::kJson) return;
    std::vector<Field> head;
    switch (rows_) {
      case ExportRows::kTrials:
        csv_row(os_, fields_of(StoredTrial{}), true);
        return;
      case ExportRows::kEpochs:
        head = fields_of(EpochMetrics{});
        break;
      case ExportRows::kRobustness:
        head = fields_of(RobustnessPoint{}, "");
        break;
      case ExportRows::kActivations:
        head = fields_of(ActivationLayer{}, "");
        break;
      case ExportRows::kCalibration:
        head = fields_of(CalibrationBin{}, "");
        break;
    }
    head.insert(head.begin(), Field{"trial_id", ""});
    csv_row(os_, head, true);
  }

  void write(const StoredTrial& t) {
    if (format_ == ExportFormat::kCsv) {
      write_csv(t);
      return;
    }
    json o = json::object();
    for (auto& f : fields_of(t)) o[f.name] = std::move(f.value);
    if (rows_ != ExportRows::kTrials) {
      const char* name = rows_ == ExportRows::kEpochs        ? "epochs"
                         : rows_ == ExportRows::kRobustness  ? "robustness"
                         : rows_ == ExportRows::kActivations ? "activations"
                                                             : "calibration";
      o[name] = json::array();
      for (std::vector<Field>& fields : detail_fields(t)) {
        json e = json::object();
        for (auto& f : fields) e[f.name] = std::move(f.value);
        o[name].push_back(std::move(e));
      }
    }
    // An element of the array, indented one more level.
    os_ << (written_ == 0 ? "[\n " : ",\n ");
    for (char c : o.dump(1)) {
      os_ << c;
      if (c == '\n') os_ << ' ';
    }
    ++written_;
  }

  // Ends the output (the JSON array's bracket).
  void finish() {
    if (format_ == ExportFormat::kJson) os_ << (written_ == 0 ? "[]\n" : "\n]\n");
  }

 private:
  // The fields of each of t's detail rows (epochs or robustness points).
  std::vector<std::vector<Field>> detail_fields(const StoredTrial& t) const {
    std::vector<std::vector<Field>> out;
    if (rows_ == ExportRows::kEpochs) {
      for (const auto& m : t.result.epochs) out.push_back(fields_of(m));
    } else if (rows_ == ExportRows::kRobustness) {
      for (const auto& x : t.result.robustness) out.push_back(fields_of(x, t.result.eval_split));
    } else if (rows_ == ExportRows::kActivations) {
      for (const auto& a : t.result.activations) out.push_back(fields_of(a, t.result.eval_split));
    } else if (rows_ == ExportRows::kCalibration) {
      for (const auto& b : t.result.calibration) out.push_back(fields_of(b, t.result.eval_split));
    }
    return out;
  }

  void write_csv(const StoredTrial& t) {
    if (rows_ == ExportRows::kTrials) {
      csv_row(os_, fields_of(t), false);
      return;
    }
    for (std::vector<Field>& row : detail_fields(t)) {
      row.insert(row.begin(), Field{"trial_id", trial_id_hex(t.result.trial_id)});
      csv_row(os_, row, false);
    }
  }

  std::ostream& os_;
  ExportFormat format_;
  ExportRows rows_;
  std::size_t written_ = 0;
};

// Trials read whole at a time by export_files when it streams.
constexpr std::size_t kExportBlock = 4096;

}  // namespace

ExportFormat parse_export_format(const std::string& name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "json") return ExportFormat::kJson;
  throw UsageError("--format: '" + name + "' is not csv or json");
}

std::string export_trials(const std::vector<StoredTrial>& all, ExportFormat format,
                          ExportRows rows) {
  std::ostringstream os;
  TrialWriter writer(os, format, rows);
  for (const auto& t : best_per_trial(all)) writer.write(t);
  writer.finish();
  return os.str();
}

void export_files(const std::vector<std::string>& files, ExportFormat format, ExportRows rows,
                  std::ostream& out) {
  const bool details = rows != ExportRows::kTrials;
  const std::vector<Store> stores = open_all(files);
  const DigestScan scan = scan_digests(pointers_to(stores), {}, "");
  const std::vector<TrialDigest> trials = best_digests(scan.digests);
  const bool in_file_order =
      std::is_sorted(trials.begin(), trials.end(),
                     [](const TrialDigest& a, const TrialDigest& b) { return a.ref < b.ref; });
  bool by_row = true;  // every file's details name their trial rows (not files of sweep 0.1)
  for (const Store& s : stores) by_row = by_row && s.details_by_row();
  if (details && !(in_file_order && by_row)) {  // the detail rows are read with the trials, whole
    std::vector<StoredTrial> all;
    for (const Store& s : stores) {
      for (auto& t : s.read_trials(Store::Details::kAll)) all.push_back(std::move(t));
    }
    out << export_trials(all, format, rows);
    return;
  }
  TrialWriter writer(out, format, rows);
  if (details) {  // each file's rows to write, whole with their details, a block at a time
    for (std::size_t f = 0; f < stores.size(); ++f) {
      std::vector<std::size_t> kept;
      for (const TrialDigest& t : trials) {
        if (digest_store(t.ref) == f) kept.push_back(digest_row(t.ref));
      }
      stores[f].read_whole_rows(kept, kExportBlock, [&](std::vector<StoredTrial>& block) {
        for (const StoredTrial& t : block) writer.write(t);
      });
    }
    writer.finish();
    return;
  }
  if (in_file_order) {     // no retried trial's later copy moved ahead: one more pass in blocks
    std::size_t next = 0;  // the next trial to write
    StoredTrial t;
    std::string lines;
    for (std::size_t f = 0; f < stores.size(); ++f) {
      stores[f].scan_trials([&](const Store::TrialBlock& b) {
        // CSV goes from the stored bytes to text; JSON through the row's StoredTrial.
        const std::optional<RawCsvRows> csv =
            format == ExportFormat::kCsv ? std::optional<RawCsvRows>(*b.reader) : std::nullopt;
        lines.clear();
        for (std::size_t j = 0; j < b.count && next < trials.size(); ++j) {
          if (trials[next].ref != digest_ref(f, b.first + j)) continue;
          ++next;
          if (csv) {
            csv->append(b.row(j), lines);
            continue;
          }
          t = StoredTrial{};
          b.reader->read(b.row(j), t);
          writer.write(t);
        }
        out.write(lines.data(), static_cast<std::streamsize>(lines.size()));
      });
    }
    writer.finish();
    return;
  }
  for (std::size_t first = 0; first < trials.size(); first += kExportBlock) {
    std::vector<std::size_t> refs;
    for (std::size_t i = first; i < std::min(trials.size(), first + kExportBlock); ++i) {
      refs.push_back(trials[i].ref);
    }
    for (const auto& t : fetch_rows(scan, refs)) writer.write(t);
  }
  writer.finish();
}

}  // namespace sweep::results
