// Assignment and commits: where a partition resumes, which events are duplicates, and
// what the group's committed offsets say (consumer.h, "Exactly once").
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "ingest/kafka/consumer_impl.h"

namespace strata::ingest::kafka {
namespace {

constexpr int kCommittedTimeoutMs = 10'000;
constexpr int kCommittedAttempts = 3;

int64_t PositionOf(const engine::SourcePositions& positions, const std::string& key) {
  auto it = positions.find(key);
  return it == positions.end() ? 0 : it->second;
}

// The minimum over shards of the durable position of `key`.
int64_t MinDurable(const std::vector<engine::SourcePositions>& durable, const std::string& key) {
  int64_t min = INT64_MAX;
  for (const engine::SourcePositions& shard : durable) min = std::min(min, PositionOf(shard, key));
  return durable.empty() ? 0 : min;
}

void LogIfError(rd_kafka_error_t* error, std::string_view what) {
  KafkaError owned(error);
  if (owned != nullptr) LogKafka("error", what, rd_kafka_error_string(owned.get()));
}

}  // namespace

bool EventConsumer::Impl::Cooperative() const {
  return std::strcmp(rd_kafka_rebalance_protocol(rk.get()), "COOPERATIVE") == 0;
}

void EventConsumer::Impl::OnRebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                                      rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<Impl*>(opaque);
  self->rebalances.fetch_add(1, std::memory_order_relaxed);
  switch (err) {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
      self->Assign(partitions);
      break;
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
      self->Revoke(partitions);
      break;
    default:
      // Release what was offered so the client's state stays in sync with the group.
      LogKafka("error", "kafka rebalance failed", KafkaErrorText(err));
      self->Revoke(partitions);
      break;
  }
  self->PublishStats();
}

void EventConsumer::Impl::Assign(rd_kafka_topic_partition_list_t* assigned) {
  const std::vector<engine::SourcePositions> durable = engine->DurablePositions();
  // The group's committed offsets: another node may have consumed further than this
  // engine holds. Without them (the coordinator does not answer) the durable positions
  // alone are a safe start for this node.
  PartitionList committed(rd_kafka_topic_partition_list_copy(assigned));
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int attempt = 0; attempt < kCommittedAttempts; ++attempt) {
    err = rd_kafka_committed(rk.get(), committed.get(), kCommittedTimeoutMs);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogKafka("warn", "kafka committed offsets unavailable, resuming from durable positions",
             KafkaErrorText(err));
  }

  for (int i = 0; i < assigned->cnt; ++i) {
    rd_kafka_topic_partition_t& tp = assigned->elems[i];
    PartitionState p;
    p.partition = tp.partition;
    p.key = SourceKey(tp.topic, tp.partition);
    p.drop_below.resize(shards, 0);
    for (uint32_t s = 0; s < shards && s < durable.size(); ++s) {
      p.drop_below[s] = PositionOf(durable[s], p.key);
    }
    p.max_drop_below = *std::max_element(p.drop_below.begin(), p.drop_below.end());
    p.durable = MinDurable(durable, p.key);
    const rd_kafka_topic_partition_t* c =
        rd_kafka_topic_partition_list_find(committed.get(), tp.topic, tp.partition);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && c != nullptr && c->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
        c->offset >= 0) {
      p.commit_floor = c->offset;
    }
    const int64_t start = std::max(p.durable, p.commit_floor);
    if (start > 0 || p.commit_floor == 0) {
      tp.offset = start;
      p.position = start;
    } else {
      tp.offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    partitions[tp.partition] = std::move(p);
  }
  if (Cooperative()) {
    LogIfError(rd_kafka_incremental_assign(rk.get(), assigned), "kafka incremental assign");
  } else if (rd_kafka_resp_err_t e = rd_kafka_assign(rk.get(), assigned);
             e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogKafka("error", "kafka assign", KafkaErrorText(e));
  }
}

void EventConsumer::Impl::Revoke(rd_kafka_topic_partition_list_t* revoked) {
  // What is gathered is appended and flushed, so the positions committed below cover
  // everything consumed from the revoked partitions.
  (void)AppendAll();
  if (unflushed) {
    const absl::Status s = engine->Flush();
    if (!s.ok()) LogKafka("error", "engine flush on revoke", s.ToString());
    NoteError(s);
    unflushed = false;
  }
  // A lost assignment (session timed out) belongs to another member already: committing
  // would fail and could move the group's offsets under the new owner.
  if (revoked != nullptr && !rd_kafka_assignment_lost(rk.get())) {
    if (rd_kafka_resp_err_t err = StoreDurable(revoked, /*commit_now=*/true);
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      CommitFailed(err);
    }
  }
  if (revoked != nullptr) {
    for (int i = 0; i < revoked->cnt; ++i) partitions.erase(revoked->elems[i].partition);
  }
  if (Cooperative()) {
    if (revoked != nullptr) {
      LogIfError(rd_kafka_incremental_unassign(rk.get(), revoked), "kafka incremental unassign");
    }
  } else {
    partitions.clear();
    (void)rd_kafka_assign(rk.get(), nullptr);
  }
}

rd_kafka_resp_err_t EventConsumer::Impl::StoreDurable(const rd_kafka_topic_partition_list_t* only,
                                                      bool commit_now) {
  if (partitions.empty()) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const std::vector<engine::SourcePositions> durable = engine->DurablePositions();
  PartitionList store(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  PartitionList commit(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  const char* topic = options.kafka.topic.c_str();
  auto consider = [&](PartitionState& p) {
    p.durable = MinDurable(durable, p.key);
    const int64_t target = std::max(p.durable, p.commit_floor);
    if (target > 0 && target > std::max(p.stored, p.commit_floor)) {
      rd_kafka_topic_partition_list_add(store.get(), topic, p.partition)->offset = target;
      p.stored = target;
    }
    if (commit_now && p.stored > std::max(p.committed, p.commit_floor)) {
      rd_kafka_topic_partition_list_add(commit.get(), topic, p.partition)->offset = p.stored;
    }
  };
  if (only == nullptr) {
    for (auto& [partition, p] : partitions) consider(p);
  } else {
    for (int i = 0; i < only->cnt; ++i) {
      auto it = partitions.find(only->elems[i].partition);
      if (it != partitions.end()) consider(it->second);
    }
  }
  // Stored offsets are what librdkafka's own commits (timer, unassign, close) send, so
  // they must never lag behind an explicit commit.
  if (store->cnt > 0) {
    if (rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk.get(), store.get());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      LogKafka("warn", "kafka offsets store", KafkaErrorText(err));
    }
  }
  if (commit->cnt == 0) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk.get(), commit.get(), /*async=*/0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) return err;
  for (int i = 0; i < commit->cnt; ++i) {
    auto it = partitions.find(commit->elems[i].partition);
    if (it != partitions.end()) it->second.committed = commit->elems[i].offset;
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

void EventConsumer::Impl::CommitFailed(rd_kafka_resp_err_t err) {
  LogKafka("error", "kafka commit of durable positions failed", KafkaErrorText(err));
  NoteError(absl::UnavailableError(
      absl::StrCat("kafka commit of durable positions: ", KafkaErrorText(err))));
}

void EventConsumer::Impl::OnCommit(rd_kafka_t*, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  auto* self = static_cast<Impl*>(opaque);
  // "No offset stored": there was nothing new to commit.
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    LogKafka("warn", "kafka commit failed", KafkaErrorText(err));
    return;
  }
  self->commits.fetch_add(1, std::memory_order_relaxed);
  if (offsets == nullptr) return;
  for (int i = 0; i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = offsets->elems[i];
    if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    auto it = self->partitions.find(tp.partition);
    if (it != self->partitions.end()) {
      it->second.committed = std::max(it->second.committed, tp.offset);
    }
  }
}

void EventConsumer::Impl::OnError(rd_kafka_t* rk, int err, const char* reason, void*) {
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char text[512];
    rd_kafka_fatal_error(rk, text, sizeof(text));
    LogKafka("error", "kafka consumer fatal error", text);
    return;
  }
  LogKafka("warn", "kafka consumer error", reason);
}

}  // namespace strata::ingest::kafka
