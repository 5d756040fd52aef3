package projector_test

import "github.com/kongsi/kongsi/internal/record"

type recordRef = record.Ref
