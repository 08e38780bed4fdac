// CLC bearer tokens: JWT-shaped (header.payload.signature, base64url) like the real HS256 tokens, unique per
// login, remembered with their expiry on the emulator clock.
#ifndef SERVEROPS_TESTING_EMULATOR_CLC_TOKENS_HPP
#define SERVEROPS_TESTING_EMULATOR_CLC_TOKENS_HPP

#include <serverops/testing/emulator/clock.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace serverops::testing {

namespace emulator_detail {
inline std::string base64url(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                       std::uint8_t(bytes[i + 2]);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    if (const auto rest = bytes.size() - i; rest > 0) {  // no '=' padding in JWTs
        auto n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        if (rest == 2) out += alphabet[(n >> 6) & 63];
    }
    return out;
}
}  // namespace emulator_detail

/// Who a token was issued to, as the JWT claims say.
struct clc_identity {
    std::string user_name;
    std::string account_alias;
    std::string location_alias;
    std::vector<std::string> roles;
};

/// Issues and checks tokens. Not synchronised: the CLC module calls it under its own lock.
class clc_token_store {
public:
    explicit clc_token_store(const emulator_clock& clock) : clock_(clock), random_(std::random_device{}()) {}

    /// A new token valid for `lifetime` from now (emulator clock). `exp`/`nbf` claims are wall-clock epoch
    /// seconds, shifted by any `advance`, so a client reading them sees the same lifetime.
    std::string issue(const clc_identity& who, std::chrono::seconds lifetime) {
        forget_expired();
        const auto nbf = std::chrono::duration_cast<std::chrono::seconds>(
                             (std::chrono::system_clock::now() + clock_.jumped()).time_since_epoch())
                             .count();
        boost::json::object claims;
        claims["unique_name"] = who.user_name;
        claims["urn:tier3:account-alias"] = who.account_alias;
        claims["urn:tier3:location-alias"] = who.location_alias;
        boost::json::array roles;
        for (auto& r : who.roles) roles.emplace_back(r);
        claims["role"] = std::move(roles);
        claims["iss"] = "urn:api-tier3";
        claims["aud"] = "urn:tier3-users";
        claims["nbf"] = nbf;
        claims["exp"] = nbf + lifetime.count();

        std::string signature(32, '\0');  // random, so two logins in the same second still differ
        for (auto& c : signature) c = static_cast<char>(random_() & 0xff);
        std::string token = emulator_detail::base64url(R"({"typ":"JWT","alg":"HS256"})") + "." +
                            emulator_detail::base64url(boost::json::serialize(claims)) + "." +
                            emulator_detail::base64url(signature);
        valid_until_[token] = clock_.now() + lifetime;
        return token;
    }

    /// Whether `token` was issued here, not revoked and not expired.
    bool valid(std::string_view token) const {
        auto it = valid_until_.find(std::string(token));
        return it != valid_until_.end() && clock_.now() < it->second;
    }

    /// Revokes every token issued so far (the next call with any of them gets 401).
    void expire_all() { valid_until_.clear(); }

    std::size_t live_count() const {
        std::size_t n = 0;
        for (auto& [token, until] : valid_until_) n += clock_.now() < until ? 1 : 0;
        return n;
    }

private:
    void forget_expired() {
        const auto now = clock_.now();
        std::erase_if(valid_until_, [&](const auto& kv) { return kv.second <= now; });
    }

    const emulator_clock& clock_;
    std::mt19937_64 random_;
    std::unordered_map<std::string, emulator_clock::time_point> valid_until_;
};

}  // namespace serverops::testing

#endif
