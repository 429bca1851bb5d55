#include "core/keys.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/errors.h"

namespace sweep {
namespace {

TEST(Keys, EveryDefaultIsValidAndCanonical) {
  for (const auto& k : known_keys()) {
    if (k.type == KeyType::kString) continue;
    EXPECT_EQ(canonical_value(k, k.default_value), k.default_value) << k.name;
  }
}

TEST(Keys, EveryKeyHasARowInTheReadmeWithItsDefaultAndUse) {
  std::ifstream in(SWEEP_README);
  ASSERT_TRUE(in) << SWEEP_README;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& k : known_keys()) {
    const auto at = text.find("\n| `" + k.name + "` |");
    ASSERT_NE(at, std::string::npos) << "README has no key table row for " << k.name;
    const std::string row = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    const std::string def = k.default_value.empty() ? "—" : "`" + k.default_value + "`";
    EXPECT_NE(row.find("| " + def + " |"), std::string::npos) << row;
    const std::string use = used_if_text(k);
    EXPECT_NE(row.find("| " + (use.empty() ? std::string("all") : use) + " |"), std::string::npos)
        << row;
  }
}

TEST(Keys, CanonicalNumbers) {
  const KeySpec* lr = find_key("learning_rate");
  ASSERT_NE(lr, nullptr);
  EXPECT_EQ(canonical_value(*lr, "1e-3"), "0.001");
  EXPECT_EQ(canonical_value(*lr, "0.0010"), "0.001");
  EXPECT_THROW(canonical_value(*lr, "0"), GridError);  // exclusive lower bound
  EXPECT_THROW(canonical_value(*lr, "nan"), GridError);
  EXPECT_THROW(canonical_value(*lr, "1x"), GridError);
  const KeySpec* f = find_key("filters");
  EXPECT_EQ(canonical_value(*f, "0016"), "16");
  EXPECT_THROW(canonical_value(*f, "0"), GridError);
  EXPECT_THROW(canonical_value(*f, ""), GridError);
  EXPECT_EQ(find_key("nope"), nullptr);
}

TEST(Keys, ChoicesAreCaseInsensitive) {
  EXPECT_EQ(canonical_value(*find_key("dataset"), "Fashion_MNIST"), "fashion_mnist");
  EXPECT_THROW(canonical_value(*find_key("dataset"), "imagenet"), GridError);
}

}  // namespace
}  // namespace sweep
