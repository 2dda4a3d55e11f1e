module ckpt/differential

go 1.22
