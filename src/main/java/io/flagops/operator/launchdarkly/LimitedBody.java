package io.flagops.operator.launchdarkly;

import java.io.IOException;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body as bytes, refused past a size: the JDK's own handler reads any length into
 * memory, and one endless answer (a proxy's, say) would take the heap every FlagRelease shares.
 */
final class LimitedBody implements BodyHandler<byte[]> {
  /** The body went past the limit: reading stopped there. */
  static final class TooLarge extends IOException {
    TooLarge(long limit) {
      super("an answer larger than " + limit / (1024 * 1024) + " MiB", null);
    }
  }

  private final long limit;

  LimitedBody(long limit) {
    this.limit = limit;
  }

  @Override
  public BodySubscriber<byte[]> apply(ResponseInfo info) {
    return new Limited();
  }

  /** The JDK's byte-array subscriber, fed until the bytes pass the limit, then cancelled. */
  private final class Limited implements BodySubscriber<byte[]> {
    private final BodySubscriber<byte[]> bytes = BodySubscribers.ofByteArray();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long received;

    Limited() {
      bytes
          .getBody()
          .whenComplete(
              (read, failure) -> {
                if (failure != null) {
                  body.completeExceptionally(failure);
                } else {
                  body.complete(read);
                }
              });
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      bytes.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (body.isDone()) {
        return;
      }
      received += items.stream().mapToLong(ByteBuffer::remaining).sum();
      if (received > limit) {
        subscription.cancel();
        body.completeExceptionally(new TooLarge(limit));
        return;
      }
      bytes.onNext(items);
    }

    @Override
    public void onError(Throwable failure) {
      bytes.onError(failure);
    }

    @Override
    public void onComplete() {
      bytes.onComplete();
    }
  }
}
