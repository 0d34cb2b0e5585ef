#include "vigil/relabel/relabel.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace vigil::relabel {
namespace {

using config::RelabelAction;
using config::RelabelConfig;

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Go's regexp.Regexp.Expand over the submatches of one match.
std::string Expand(const re2::RE2& re, const std::vector<re2::StringPiece>& groups,
                   std::string_view tmpl) {
  std::string out;
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl.front() == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view rest = tmpl;
    bool brace = !rest.empty() && rest.front() == '{';
    if (brace) rest.remove_prefix(1);
    size_t n = 0;
    while (n < rest.size() && IsNameChar(rest[n])) ++n;
    bool ok = n > 0 && (!brace || (n < rest.size() && rest[n] == '}'));
    if (!ok) {
      out += '$';  // malformed: the $ is literal text
      continue;
    }
    std::string_view name = rest.substr(0, n);
    tmpl = rest.substr(n + (brace ? 1 : 0));
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name.front() == '0') num = -1;
    if (num < 0) {
      auto named = re.NamedCapturingGroups();
      auto it = named.find(std::string(name));
      if (it == named.end()) continue;
      num = it->second;
    }
    if (static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr) {
      out.append(groups[num].data(), groups[num].size());
    }
  }
  out.append(tmpl);
  return out;
}

std::optional<std::vector<re2::StringPiece>> FullMatch(const re2::RE2& re, std::string_view s) {
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  if (!re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), re2::RE2::ANCHOR_BOTH,
                groups.data(), static_cast<int>(groups.size()))) {
    return std::nullopt;
  }
  return groups;
}

bool Matches(const RelabelConfig& rule, std::string_view s) {
  return re2::RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *rule.compiled_regex);
}

// The last 8 bytes of the MD5 of `s`, big-endian, as Prometheus's hashmod.
uint64_t Md5Tail(std::string_view s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), digest, &len, EVP_md5(), nullptr);
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) v = (v << 8) | digest[i];
  return v;
}

std::string AsciiCase(std::string_view s, bool upper) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                : std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The label pairs currently in the builder (a copy, so rules may modify it).
std::vector<std::pair<std::string, std::string>> Snapshot(const model::LabelsBuilder& b) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Label& l : b.Build()) out.emplace_back(l.name, l.value);
  return out;
}

bool Apply(const RelabelConfig& rule, model::LabelsBuilder* b) {
  std::string val;
  for (size_t i = 0; i < rule.source_labels.size(); ++i) {
    if (i > 0) val += rule.separator;
    val += b->Get(rule.source_labels[i]);
  }
  switch (rule.action) {
    case RelabelAction::kDrop:
      return !Matches(rule, val);
    case RelabelAction::kKeep:
      return Matches(rule, val);
    case RelabelAction::kDropEqual:
      return b->Get(rule.target_label) != val;
    case RelabelAction::kKeepEqual:
      return b->Get(rule.target_label) == val;
    case RelabelAction::kReplace: {
      auto groups = FullMatch(*rule.compiled_regex, val);
      if (!groups) break;
      std::string target = Expand(*rule.compiled_regex, *groups, rule.target_label);
      if (!model::IsValidLabelName(target)) {
        b->Del(rule.target_label);
        break;
      }
      std::string res = Expand(*rule.compiled_regex, *groups, rule.replacement);
      b->Set(target, res);  // an empty value deletes the label
      break;
    }
    case RelabelAction::kLowercase:
      b->Set(rule.target_label, AsciiCase(val, false));
      break;
    case RelabelAction::kUppercase:
      b->Set(rule.target_label, AsciiCase(val, true));
      break;
    case RelabelAction::kHashMod:
      b->Set(rule.target_label, std::to_string(Md5Tail(val) % rule.modulus));
      break;
    case RelabelAction::kLabelMap:
      for (const auto& [name, value] : Snapshot(*b)) {
        if (auto groups = FullMatch(*rule.compiled_regex, name)) {
          b->Set(Expand(*rule.compiled_regex, *groups, rule.replacement), value);
        }
      }
      break;
    case RelabelAction::kLabelDrop:
      for (const auto& [name, value] : Snapshot(*b)) {
        if (Matches(rule, name)) b->Del(name);
      }
      break;
    case RelabelAction::kLabelKeep:
      for (const auto& [name, value] : Snapshot(*b)) {
        if (!Matches(rule, name)) b->Del(name);
      }
      break;
  }
  return true;
}

}  // namespace

bool ProcessBuilder(model::LabelsBuilder* builder, const std::vector<RelabelConfig>& rules) {
  for (const RelabelConfig& rule : rules) {
    if (!Apply(rule, builder)) return false;
  }
  return true;
}

std::optional<model::Labels> Process(const model::Labels& labels,
                                     const std::vector<RelabelConfig>& rules) {
  if (rules.empty()) return labels;
  model::LabelsBuilder b(labels);
  if (!ProcessBuilder(&b, rules)) return std::nullopt;
  return b.Build();
}

std::optional<std::string> ExpandMatch(const RelabelConfig& rule, std::string_view src,
                                       std::string_view tmpl) {
  auto groups = FullMatch(*rule.compiled_regex, src);
  if (!groups) return std::nullopt;
  return Expand(*rule.compiled_regex, *groups, tmpl);
}

}  // namespace vigil::relabel
