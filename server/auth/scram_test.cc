#include "server/auth/scram.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "server/auth/scram_internal.h"

namespace strata::server::auth {
namespace {

using ::testing::HasSubstr;

// RFC 7677 section 3.
constexpr char kRfcClientNonce[] = "rOprNGfwEbeRWgbNEkqO";
constexpr char kRfcServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kRfcSalt[] = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr char kRfcClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kRfcServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kRfcClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kRfcServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// Made by PostgreSQL 15: CREATE ROLE u PASSWORD 'pw'; SELECT rolpassword FROM pg_authid.
constexpr char kPostgresSecretPw[] =
    "SCRAM-SHA-256$4096:8sKEusWqnITEbBIiFThfCw==$fcfdR2EKyRdeJ5BB70Aa2WNxXjS3kpOZmy8YyZ+enIc="
    ":tYS2fLGCawNkR4v3G+Sr79hJovZ+zhInoJWwq1WOYHU=";
// ... and PASSWORD 'correct horse battery staple'.
constexpr char kPostgresSecretLong[] =
    "SCRAM-SHA-256$4096:02cHD12Kl7Vdo7cRuXiCig==$iM2M/SJnrXTcwqdVUFN2Tx7SzP4Wlboiiu61gx9aLGA="
    ":rzp0W+dgqyPjoaUFfVJjOqpXY+TXuCmeTU5rckdiVJY=";

ScramSecret RfcSecret() {
  std::string salt;
  EXPECT_TRUE(absl::Base64Unescape(kRfcSalt, &salt));
  return scram_internal::SecretFromSalt("pencil", salt, 4096);
}

// Runs a whole exchange between ScramClient(password) and a server holding `secret`.
absl::Status RunExchange(const ScramSecret* secret, const std::string& password) {
  ScramExchange server(secret);
  ScramClient client(password);
  absl::StatusOr<std::string> server_first = server.HandleClientFirst(client.ClientFirst());
  if (!server_first.ok()) return server_first.status();
  absl::StatusOr<std::string> client_final = client.ClientFinal(*server_first);
  if (!client_final.ok()) return client_final.status();
  absl::StatusOr<std::string> server_final = server.HandleClientFinal(*client_final);
  if (!server_final.ok()) return server_final.status();
  return client.VerifyServerFinal(*server_final);
}

TEST(ScramTest, Rfc7677ServerSide) {
  ScramSecret secret = RfcSecret();
  scram_internal::ServerExchange server(&secret, kRfcServerNonce);
  absl::StatusOr<std::string> server_first = server.HandleClientFirst(kRfcClientFirst);
  ASSERT_TRUE(server_first.ok()) << server_first.status();
  EXPECT_EQ(*server_first, kRfcServerFirst);
  absl::StatusOr<std::string> server_final = server.HandleClientFinal(kRfcClientFinal);
  ASSERT_TRUE(server_final.ok()) << server_final.status();
  EXPECT_EQ(*server_final, kRfcServerFinal);
}

TEST(ScramTest, Rfc7677ClientSide) {
  scram_internal::ClientExchange client("pencil", kRfcClientNonce, "user");
  EXPECT_EQ(client.ClientFirst(), kRfcClientFirst);
  absl::StatusOr<std::string> client_final = client.ClientFinal(kRfcServerFirst);
  ASSERT_TRUE(client_final.ok()) << client_final.status();
  EXPECT_EQ(*client_final, kRfcClientFinal);
  EXPECT_TRUE(client.VerifyServerFinal(kRfcServerFinal).ok());
  EXPECT_EQ(client.VerifyServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ScramTest, Rfc7677WrongProofIsUnauthenticated) {
  ScramSecret secret = RfcSecret();
  scram_internal::ServerExchange server(&secret, kRfcServerNonce);
  ASSERT_TRUE(server.HandleClientFirst(kRfcClientFirst).ok());
  std::string tampered = kRfcClientFinal;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(server.HandleClientFinal(tampered).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(ScramTest, SecretFormatMatchesRfcKeys) {
  // StoredKey/ServerKey of the RFC's "pencil" in PostgreSQL's text form.
  std::string text = FormatScramSecret(RfcSecret());
  EXPECT_EQ(text.rfind("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", 0), 0u) << text;
  absl::StatusOr<ScramSecret> parsed = ParseScramSecret(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(VerifyScramPassword(*parsed, "pencil"));
}

TEST(ScramTest, RoundTrip) {
  ScramSecret secret = MakeScramSecret("s3cret!");
  EXPECT_EQ(secret.iterations, kScramIterations);
  EXPECT_EQ(secret.salt.size(), 16u);
  EXPECT_TRUE(RunExchange(&secret, "s3cret!").ok());
}

TEST(ScramTest, SaltsAreRandom) {
  ScramSecret a = MakeScramSecret("same");
  ScramSecret b = MakeScramSecret("same");
  EXPECT_NE(a.salt, b.salt);
  EXPECT_NE(a.stored_key, b.stored_key);
}

TEST(ScramTest, ServerNoncesAreFresh) {
  ScramSecret secret = MakeScramSecret("pw", 16);
  ScramExchange a(&secret), b(&secret);
  absl::StatusOr<std::string> first_a = a.HandleClientFirst("n,,n=,r=abc");
  absl::StatusOr<std::string> first_b = b.HandleClientFirst("n,,n=,r=abc");
  ASSERT_TRUE(first_a.ok() && first_b.ok());
  EXPECT_NE(*first_a, *first_b);
  EXPECT_EQ(first_a->rfind("r=abc", 0), 0u);
}

TEST(ScramTest, WrongPasswordIsUnauthenticated) {
  ScramSecret secret = MakeScramSecret("right");
  absl::Status status = RunExchange(&secret, "wrong");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
}

TEST(ScramTest, UnknownUserFailsOnlyAtTheProof) {
  ScramExchange server(nullptr);
  ScramClient client("anything");
  absl::StatusOr<std::string> server_first = server.HandleClientFirst(client.ClientFirst());
  ASSERT_TRUE(server_first.ok()) << server_first.status();
  EXPECT_THAT(*server_first, HasSubstr(",i=4096"));
  absl::StatusOr<std::string> client_final = client.ClientFinal(*server_first);
  ASSERT_TRUE(client_final.ok());
  EXPECT_EQ(server.HandleClientFinal(*client_final).status().code(),
            absl::StatusCode::kUnauthenticated);

  // The made-up salt is stable, like a real user's, so retries do not reveal the user is
  // unknown.
  ScramExchange again(nullptr);
  absl::StatusOr<std::string> second = again.HandleClientFirst("n,,n=,r=xyz");
  ASSERT_TRUE(second.ok());
  auto salt_of = [](const std::string& m) { return m.substr(m.find(",s=")); };
  EXPECT_EQ(salt_of(*server_first), salt_of(*second));
}

TEST(ScramTest, ChannelBindingRefused) {
  ScramExchange server(nullptr);
  absl::Status status = server.HandleClientFirst("p=tls-server-end-point,,n=,r=abc").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("channel binding"));
}

TEST(ScramTest, ClientSupportingChannelBindingIsAccepted) {
  // "y,,": the client could bind but thinks the server cannot; c= must echo "y,,".
  ScramSecret secret = MakeScramSecret("pw", 64);
  scram_internal::ServerExchange server(&secret, "SERVERNONCE");
  absl::StatusOr<std::string> server_first = server.HandleClientFirst("y,,n=,r=CLIENT");
  ASSERT_TRUE(server_first.ok()) << server_first.status();
  scram_internal::ClientExchange client("pw", "CLIENT");
  client.ClientFirst();
  absl::StatusOr<std::string> final_n = client.ClientFinal(*server_first);
  ASSERT_TRUE(final_n.ok());
  // The client built c=biws ("n,,"): a mismatch with "y,," is a protocol error.
  EXPECT_EQ(server.HandleClientFinal(*final_n).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ScramTest, MalformedClientFirst) {
  const std::vector<std::string> bad = {
      "",
      "x,,n=,r=abc",
      "n",
      "n,",
      "n,a=admin,n=,r=abc",  // authorization identity
      "n,,r=abc",            // no n=
      "n,,n=",               // no r=
      "n,,n=,r=",            // empty nonce
      "n,,n=,r=a\x01"
      "b",                  // unprintable nonce
      "n,,m=ext,n=,r=abc",  // mandatory extension
      "n,,n=,x",            // not an attribute
      "n,,n=,1=abc",
  };
  for (const std::string& message : bad) {
    ScramSecret secret = MakeScramSecret("pw", 1);
    ScramExchange server(&secret);
    EXPECT_EQ(server.HandleClientFirst(message).status().code(), absl::StatusCode::kInvalidArgument)
        << message;
  }
}

TEST(ScramTest, MalformedClientFinal) {
  ScramSecret secret = RfcSecret();
  const std::string nonce = std::string(kRfcClientNonce) + kRfcServerNonce;
  const std::string proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  const std::vector<std::string> bad = {
      "",
      "c=biws,r=" + nonce,                                       // no proof
      "r=" + nonce + "," + proof,                                // no c=
      "c=biws," + proof,                                         // no r=
      "c=biws,r=" + nonce + "X," + proof,                        // nonce differs
      "c=biws,r=" + std::string(kRfcClientNonce) + "," + proof,  // client nonce only
      "c=eSws,r=" + nonce + "," + proof,                         // "y,," but client sent "n,,"
      "c=b!ws,r=" + nonce + "," + proof,                         // bad base64
      "c=biws,r=" + nonce + ",p=AAAA",                           // short proof
      "c=biws,r=" + nonce + ",p=not base64",
  };
  for (const std::string& message : bad) {
    scram_internal::ServerExchange server(&secret, kRfcServerNonce);
    ASSERT_TRUE(server.HandleClientFirst(kRfcClientFirst).ok());
    EXPECT_EQ(server.HandleClientFinal(message).status().code(), absl::StatusCode::kInvalidArgument)
        << message;
  }
}

TEST(ScramTest, ExtensionAttributesAreIgnored) {
  ScramSecret secret = MakeScramSecret("pw", 32);
  scram_internal::ServerExchange server(&secret, "S");
  ASSERT_TRUE(server.HandleClientFirst("n,,n=someone,r=C,x=ext").ok());
}

TEST(ScramTest, MessagesOutOfOrder) {
  ScramSecret secret = MakeScramSecret("pw", 1);
  ScramExchange server(&secret);
  EXPECT_EQ(server.HandleClientFinal("c=biws,r=a,p=b").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ScramExchange twice(&secret);
  ASSERT_TRUE(twice.HandleClientFirst("n,,n=,r=a").ok());
  EXPECT_EQ(twice.HandleClientFirst("n,,n=,r=a").status().code(),
            absl::StatusCode::kFailedPrecondition);

  ScramClient client("pw");
  EXPECT_EQ(client.VerifyServerFinal("v=abc").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ScramTest, ClientRejectsBadServerFirst) {
  scram_internal::ClientExchange client("pw", "CLIENT");
  client.ClientFirst();
  EXPECT_EQ(client.ClientFinal("r=OTHERSERVER,s=AAAA,i=4096").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.ClientFinal("r=CLIENT,s=AAAA,i=4096").status().code(),
            absl::StatusCode::kInvalidArgument);  // the server added nothing
  EXPECT_EQ(client.ClientFinal("r=CLIENTS,s=AAAA,i=0").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.ClientFinal("r=CLIENTS,s=***,i=1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.ClientFinal("r=CLIENTS,i=1").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ScramTest, ClientReportsServerError) {
  ScramSecret secret = MakeScramSecret("pw", 8);
  ScramExchange server(&secret);
  ScramClient client("pw");
  absl::StatusOr<std::string> server_first = server.HandleClientFirst(client.ClientFirst());
  ASSERT_TRUE(server_first.ok());
  ASSERT_TRUE(client.ClientFinal(*server_first).ok());
  absl::Status status = client.VerifyServerFinal("e=invalid-proof");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("invalid-proof"));
}

TEST(ScramTest, SecretTextRoundTrip) {
  ScramSecret secret = MakeScramSecret("round trip", 1234);
  std::string text = FormatScramSecret(secret);
  absl::StatusOr<ScramSecret> parsed = ParseScramSecret(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->iterations, 1234);
  EXPECT_EQ(parsed->salt, secret.salt);
  EXPECT_EQ(parsed->stored_key, secret.stored_key);
  EXPECT_EQ(parsed->server_key, secret.server_key);
  EXPECT_EQ(FormatScramSecret(*parsed), text);
  EXPECT_TRUE(VerifyScramPassword(*parsed, "round trip"));
  EXPECT_FALSE(VerifyScramPassword(*parsed, "round trip "));
}

TEST(ScramTest, PostgresSecretsVerify) {
  absl::StatusOr<ScramSecret> pw = ParseScramSecret(kPostgresSecretPw);
  ASSERT_TRUE(pw.ok()) << pw.status();
  EXPECT_EQ(pw->iterations, 4096);
  EXPECT_TRUE(VerifyScramPassword(*pw, "pw"));
  EXPECT_FALSE(VerifyScramPassword(*pw, "pW"));
  EXPECT_FALSE(VerifyScramPassword(*pw, ""));
  EXPECT_EQ(FormatScramSecret(*pw), kPostgresSecretPw);
  EXPECT_TRUE(RunExchange(&*pw, "pw").ok());
  EXPECT_EQ(RunExchange(&*pw, "pw2").code(), absl::StatusCode::kUnauthenticated);

  absl::StatusOr<ScramSecret> long_pw = ParseScramSecret(kPostgresSecretLong);
  ASSERT_TRUE(long_pw.ok()) << long_pw.status();
  EXPECT_TRUE(VerifyScramPassword(*long_pw, "correct horse battery staple"));
  EXPECT_TRUE(RunExchange(&*long_pw, "correct horse battery staple").ok());
}

TEST(ScramTest, MalformedSecrets) {
  const std::string good = kPostgresSecretPw;
  const std::vector<std::string> bad = {
      "",
      "md5abcdef",
      "SCRAM-SHA-1$4096:8sKEusWqnITEbBIiFThfCw==$a:b",
      "SCRAM-SHA-256$",
      "SCRAM-SHA-256$4096:8sKEusWqnITEbBIiFThfCw==",
      "SCRAM-SHA-256$0:8sKEusWqnITEbBIiFThfCw==$fcfdR2EKyRdeJ5BB70Aa2WNxXjS3kpOZmy8YyZ+enIc="
      ":tYS2fLGCawNkR4v3G+Sr79hJovZ+zhInoJWwq1WOYHU=",
      "SCRAM-SHA-256$-1:8sKEusWqnITEbBIiFThfCw==$fcfdR2EKyRdeJ5BB70Aa2WNxXjS3kpOZmy8YyZ+enIc="
      ":tYS2fLGCawNkR4v3G+Sr79hJovZ+zhInoJWwq1WOYHU=",
      "SCRAM-SHA-256$x:8sKEusWqnITEbBIiFThfCw==$fcfdR2EKyRdeJ5BB70Aa2WNxXjS3kpOZmy8YyZ+enIc="
      ":tYS2fLGCawNkR4v3G+Sr79hJovZ+zhInoJWwq1WOYHU=",
      "SCRAM-SHA-256$4096:$fcfdR2EKyRdeJ5BB70Aa2WNxXjS3kpOZmy8YyZ+enIc="
      ":tYS2fLGCawNkR4v3G+Sr79hJovZ+zhInoJWwq1WOYHU=",
      "SCRAM-SHA-256$4096:8sKEusWqnITEbBIiFThfCw==$fcfdR2EKyRdeJ5BB70Aa2WNxXjS3kpOZmy8YyZ+enIc=",
      "SCRAM-SHA-256$4096:8sKEusWqnITEbBIiFThfCw==$AAAA:tYS2fLGCawNkR4v3G+Sr79hJovZ+"
      "zhInoJWwq1WOYHU=",
      good + "x",
      good.substr(0, good.size() - 1),
  };
  for (const std::string& text : bad) {
    EXPECT_EQ(ParseScramSecret(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ScramTest, BinaryAndEmptyPasswords) {
  std::string binary("a\0b,c=d", 7);
  ScramSecret secret = MakeScramSecret(binary, 8);
  EXPECT_TRUE(VerifyScramPassword(secret, binary));
  EXPECT_FALSE(VerifyScramPassword(secret, "a"));
  EXPECT_TRUE(RunExchange(&secret, binary).ok());
  ScramSecret empty = MakeScramSecret("", 8);
  EXPECT_TRUE(RunExchange(&empty, "").ok());
  EXPECT_FALSE(VerifyScramPassword(empty, "x"));
}

}  // namespace
}  // namespace strata::server::auth
