#include "wire/docker_http.h"

#include <curl/curl.h>

namespace wire {

struct DockerHttp::Call {
  uint64_t id = 0;
  DockerHttp* owner = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;  // the request's, alive as long as the transfer
  HttpReply reply;
  char error[CURL_ERROR_SIZE] = {};
};

namespace {

// libcurl wants one process-wide init before the first handle.
void GlobalInit() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

}  // namespace

DockerHttp::DockerHttp(std::string socket) : socket_(std::move(socket)) {
  GlobalInit();
  multi_ = curl_multi_init();
}

DockerHttp::~DockerHttp() {
  for (auto& [id, call] : calls_) {
    curl_multi_remove_handle(static_cast<CURLM*>(multi_), call->easy);
    curl_easy_cleanup(call->easy);
    curl_slist_free_all(call->headers);
  }
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

size_t DockerHttp::OnData(char* data, size_t size, size_t n, void* p) {
  auto* call = static_cast<Call*>(p);
  call->reply.body.append(data, size * n);
  call->owner->bytes_ += size * n;
  return size * n;
}

uint64_t DockerHttp::Start(std::string_view method, const std::string& path,
                           std::string body) {
  auto call = std::make_unique<Call>();
  call->id = next_id_++;
  call->owner = this;
  call->body = std::move(body);
  CURL* e = curl_easy_init();
  call->easy = e;
  const std::string url = "http://localhost/v1.41" + path;
  curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, socket_.c_str());
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, call->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &DockerHttp::OnData);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, call.get());
  call->headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers);
  if (method == "POST" || !call->body.empty()) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, call->body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(call->body.size()));
    // POSTFIELDS turns the request into a POST; keep the method asked for.
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
  }
  curl_multi_add_handle(static_cast<CURLM*>(multi_), e);
  const uint64_t id = call->id;
  calls_.emplace(id, std::move(call));
  return id;
}

std::vector<std::pair<uint64_t, HttpReply>> DockerHttp::Poll() {
  auto* m = static_cast<CURLM*>(multi_);
  int running = 0;
  curl_multi_perform(m, &running);
  std::vector<std::pair<uint64_t, HttpReply>> done;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Call* call = nullptr;
    for (auto& [id, c] : calls_) {
      if (c->easy == msg->easy_handle) call = c.get();
    }
    if (call == nullptr) continue;
    if (msg->data.result == CURLE_OK) {
      curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE,
                        &call->reply.status);
    } else {
      call->reply.status = 0;
      call->reply.error = call->error[0] != 0
                              ? call->error
                              : curl_easy_strerror(msg->data.result);
    }
    done.emplace_back(call->id, std::move(call->reply));
    const uint64_t id = call->id;
    curl_multi_remove_handle(m, call->easy);
    curl_easy_cleanup(call->easy);
    curl_slist_free_all(call->headers);
    calls_.erase(id);
  }
  return done;
}

void DockerHttp::Abort(uint64_t id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  curl_multi_remove_handle(static_cast<CURLM*>(multi_), it->second->easy);
  curl_easy_cleanup(it->second->easy);
  curl_slist_free_all(it->second->headers);
  calls_.erase(it);
}

}  // namespace wire
