#include "results/store/texts.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sweep::results {
namespace {

// Rows per chunk: 64 KiB chunks; with the 8,180 chunks whose index fits a 4 KiB page (see
// store.cpp), 2 million distinct texts (one checkpoint path per trial of a million trials).
constexpr std::size_t kTextsChunkRows = 256;

// `text` as a reader gets it back: cut at a NUL byte and at kTextLen bytes.
std::string as_stored(const std::string& text) {
  const std::size_t n = std::min({text.size(), kTextLen, std::strlen(text.c_str())});
  return text.substr(0, n);
}

}  // namespace

const RowLayout& texts_layout() {
  static const RowLayout l({Column{"text", ColType::kStr, kTextLen, 0}});
  return l;
}

void create_texts_table(hid_t file) {
  create_table(file, kTextsTable, texts_layout(), kTextsChunkRows);
}

Texts read_texts(hid_t file) {
  auto texts = std::make_shared<std::vector<std::string>>();
  if (!has_table(file, kTextsTable)) return texts;
  std::size_t n = 0;
  const std::vector<char> rows = read_rows(file, kTextsTable, texts_layout(), &n);
  texts->reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    texts->push_back(texts_layout().get_text(rows.data() + i * texts_layout().row_size(), 0));
  }
  return texts;
}

TextInterner::TextInterner(hid_t file) {
  const Texts texts = read_texts(file);
  stored_ = static_cast<std::uint32_t>(texts->size());
  for (std::uint32_t i = 0; i < stored_; ++i) {
    // A row a killed append left unwritten reads as "", which is never looked up: skip it.
    if (!(*texts)[i].empty()) refs_.emplace((*texts)[i], i + 1);
  }
}

std::uint32_t TextInterner::ref(const std::string& text) {
  if (text.empty()) return 0;
  std::string stored = as_stored(text);
  if (stored.empty()) return 0;
  auto it = refs_.find(stored);
  if (it != refs_.end()) return it->second;
  const std::size_t next = stored_ + pending_.size() + 1;
  if (next > std::numeric_limits<std::uint32_t>::max()) {
    throw StoreError("the results file holds more distinct texts than a row can number");
  }
  const auto r = static_cast<std::uint32_t>(next);
  refs_.emplace(stored, r);
  pending_.push_back(std::move(stored));
  return r;
}

void TextInterner::write_pending(TableAppender& table) {
  if (pending_.empty()) return;
  const RowLayout& l = texts_layout();
  std::vector<char> rows(pending_.size() * l.row_size(), 0);
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    l.set_str(rows.data() + i * l.row_size(), 0, pending_[i]);
  }
  table.append(rows.data(), pending_.size());
  stored_ += static_cast<std::uint32_t>(pending_.size());
  pending_.clear();
}

}  // namespace sweep::results
