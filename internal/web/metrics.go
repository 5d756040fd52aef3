package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/kongsi/kongsi/internal/node"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the node's Prometheus metrics, in a registry of their own.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	forwarded prometheus.Counter
}

func newMetrics(n *node.Node) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kongsi_http_requests_total", Help: "HTTP requests served, by route and status.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "kongsi_http_request_duration_seconds", Help: "Time to serve HTTP requests, by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route"})
	m.forwarded = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "kongsi_http_forwarded_total", Help: "Requests a read-only node passed on to the register's writer.",
	})
	m.reg.MustRegister(m.requests, m.latency, m.forwarded,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "kongsi_records_accepted_total", Help: "Records accepted and durably sequenced since start.",
		}, func() float64 {
			if n.Sequencer == nil {
				return 0
			}
			return float64(n.Sequencer.Accepted.Load())
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "kongsi_records_refused_total", Help: "Records refused since start.",
		}, func() float64 {
			if n.Sequencer == nil {
				return 0
			}
			return float64(n.Sequencer.Refused.Load())
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kongsi_records_outstanding", Help: "Records submitted and not yet answered.",
		}, func() float64 {
			if n.Sequencer == nil {
				return 0
			}
			return float64(n.Sequencer.Outstanding())
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kongsi_log_integrated_size", Help: "Entries durably stored in the log's tree.",
		}, func() float64 {
			if n.Log == nil {
				if cp := n.Projector.Checkpoint(); cp != nil {
					return float64(cp.Size)
				}
				return 0
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			s, _ := n.Log.IntegratedSize(ctx)
			return float64(s)
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kongsi_log_checkpoint_size", Help: "Size of the latest checkpoint the projector verified.",
		}, func() float64 {
			if cp := n.Projector.Checkpoint(); cp != nil {
				return float64(cp.Size)
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kongsi_projection_applied", Help: "Log entries the projections reflect.",
		}, func() float64 { return float64(n.Projector.Applied()) }),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// instrument counts and times the requests a route serves.
func (m *metrics) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}
